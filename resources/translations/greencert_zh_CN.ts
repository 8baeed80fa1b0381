<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Actions</name>
    <message>
        <source>E&amp;xit</source>
        <translation>退出(&amp;X)</translation>
    </message>
    <message>
        <source>Close the program</source>
        <translation>关闭程序</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <source>Version and data folder</source>
        <translation>版本与数据文件夹</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <source>Create a new record</source>
        <translation>新建一条记录</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>Edit the selected record (or press Enter)</source>
        <translation>编辑选中的记录（也可按回车键）</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>Delete the selected records</source>
        <translation>删除选中的记录</translation>
    </message>
    <message>
        <source>&amp;Copy rows</source>
        <translation>复制行(&amp;C)</translation>
    </message>
    <message>
        <source>Copy the selected rows with headers</source>
        <translation>复制选中的行（含表头）</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <source>Go to the search box</source>
        <translation>转到搜索框</translation>
    </message>
    <message>
        <source>E&amp;xport to Excel</source>
        <translation>导出到 Excel(&amp;X)</translation>
    </message>
    <message>
        <source>Export the filtered list to an xlsx workbook</source>
        <translation>将筛选后的列表导出为 xlsx 工作簿</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Read the list again</source>
        <translation>重新读取列表</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Records</source>
        <translation>记录(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>GreenCert</source>
        <translation>绿色认证信息管理与报送系统</translation>
    </message>
</context>
<context>
    <name>BodyPicker</name>
    <message>
        <source>New body…</source>
        <translation>新增机构…</translation>
    </message>
    <message>
        <source>— choose a certification body —</source>
        <translation>— 选择认证机构 —</translation>
    </message>
</context>
<context>
    <name>CaseForm</name>
    <message>
        <source>New supervision case</source>
        <translation>新增监督检查记录</translation>
    </message>
    <message>
        <source>Edit supervision case</source>
        <translation>编辑监督检查记录</translation>
    </message>
    <message>
        <source>Inspected on:</source>
        <translation>检查日期：</translation>
    </message>
    <message>
        <source>Organisation:</source>
        <translation>被检查组织：</translation>
    </message>
    <message>
        <source>Certificate (optional):</source>
        <translation>相关证书（可选）：</translation>
    </message>
    <message>
        <source>Kind of inspection:</source>
        <translation>检查类型：</translation>
    </message>
    <message>
        <source>e.g. false green claim</source>
        <translation>如：虚标绿色认证</translation>
    </message>
    <message>
        <source>Finding:</source>
        <translation>检查发现：</translation>
    </message>
    <message>
        <source>Action taken:</source>
        <translation>处理措施：</translation>
    </message>
    <message>
        <source>Put on the serious-dishonesty list</source>
        <translation>列入严重失信名单</translation>
    </message>
    <message>
        <source>Credit:</source>
        <translation>信用：</translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>— none —</source>
        <translation>— 无 —</translation>
    </message>
    <message>
        <source>{name} is already on the serious-dishonesty list.</source>
        <translation>{name}已在严重违法失信名单中。</translation>
    </message>
    <message>
        <source>the organisation</source>
        <translation>该组织</translation>
    </message>
    <message>
        <source>Saving this case changes the credit standing of {name} to “{standing}” in the organisation&apos;s record.</source>
        <translation>保存本记录后，{name}的信用状况将改为“{standing}”（同时修改获证组织记录）。</translation>
    </message>
</context>
<context>
    <name>CertificateForm</name>
    <message>
        <source>New certificate or listing</source>
        <translation>新增证书或名单</translation>
    </message>
    <message>
        <source>Edit certificate or listing</source>
        <translation>编辑证书或名单</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>证书</translation>
    </message>
    <message>
        <source>Content and surveillance</source>
        <translation>内容与监督</translation>
    </message>
    <message>
        <source>Organisation:</source>
        <translation>获证组织：</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>认证类别：</translation>
    </message>
    <message>
        <source>As printed, e.g. 00216Q10097R1S</source>
        <translation>按证书原样填写，如 00216Q10097R1S</translation>
    </message>
    <message>
        <source>Number:</source>
        <translation>证书编号：</translation>
    </message>
    <message>
        <source>Certification body:</source>
        <translation>认证机构：</translation>
    </message>
    <message>
        <source>Batch year:</source>
        <translation>批次年份：</translation>
    </message>
    <message>
        <source>Authority that published the list</source>
        <translation>发布名单的部门</translation>
    </message>
    <message>
        <source>Issued by:</source>
        <translation>发布部门：</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>证书状态：</translation>
    </message>
    <message>
        <source>Issue date:</source>
        <translation>发证日期：</translation>
    </message>
    <message>
        <source>Valid until:</source>
        <translation>有效期至：</translation>
    </message>
    <message>
        <source>First issued:</source>
        <translation>初次发证日期：</translation>
    </message>
    <message>
        <source>Basis (standard):</source>
        <translation>认证依据：</translation>
    </message>
    <message>
        <source>Scope:</source>
        <translation>认证范围：</translation>
    </message>
    <message>
        <source>Products:</source>
        <translation>认证产品：</translation>
    </message>
    <message>
        <source>Last surveillance:</source>
        <translation>最近监督日期：</translation>
    </message>
    <message>
        <source>Surveillance audits:</source>
        <translation>监督次数：</translation>
    </message>
    <message>
        <source>Recertifications:</source>
        <translation>再认证次数：</translation>
    </message>
    <message>
        <source>Status changed on:</source>
        <translation>状态变更日期：</translation>
    </message>
    <message>
        <source>Reason for status:</source>
        <translation>状态变更原因：</translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>— choose a type —</source>
        <translation>— 选择认证类别 —</translation>
    </message>
    <message>
        <source>Section {section}</source>
        <translation>第{section}</translation>
    </message>
    <message>
        <source> (listing)</source>
        <translation>（名单）</translation>
    </message>
    <message>
        <source>Listing</source>
        <translation>名单/称号</translation>
    </message>
    <message>
        <source>valid {years} years</source>
        <translation>有效期 {years} 年</translation>
    </message>
    <message>
        <source>no fixed validity</source>
        <translation>无固定有效期</translation>
    </message>
</context>
<context>
    <name>CertificatesPage</name>
    <message>
        <source>Certificates and lists</source>
        <translation>证书与名单</translation>
    </message>
    <message>
        <source>Certificates</source>
        <translation>证书与名单</translation>
    </message>
    <message>
        <source>Group:</source>
        <translation>类别分组：</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>证书类型：</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>Unit:</source>
        <translation>所属区划：</translation>
    </message>
    <message>
        <source>Body:</source>
        <translation>认证机构：</translation>
    </message>
    <message>
        <source>Expiring:</source>
        <translation>到期：</translation>
    </message>
    <message>
        <source>within {days} days</source>
        <translation>{days}天内到期</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Surveillance overdue</source>
        <translation>监督审核逾期</translation>
    </message>
    <message>
        <source>Suspend</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Revoke</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Cancel certificate</source>
        <translation>注销</translation>
    </message>
    <message>
        <source>Reinstate</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Record surveillance</source>
        <translation>记录监督审核</translation>
    </message>
    <message>
        <source>Search organisation, credit code or certificate number</source>
        <translation>搜索组织名称、统一社会信用代码或证书编号</translation>
    </message>
</context>
<context>
    <name>ChartsPage</name>
    <message>
        <source>Charts</source>
        <translation>统计图表</translation>
    </message>
    <message>
        <source>Whole register</source>
        <translation>整个登记簿</translation>
    </message>
    <message>
        <source>All groups</source>
        <translation>全部分组</translation>
    </message>
    <message>
        <source>By unit</source>
        <translation>按单位</translation>
    </message>
    <message>
        <source>Split every chart by reporting unit (whole register)</source>
        <translation>每张图按报送单位分列（整个登记簿时）</translation>
    </message>
    <message>
        <source>Unit:</source>
        <translation>单位：</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>从：</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>到：</translation>
    </message>
    <message>
        <source>Group:</source>
        <translation>类别分组：</translation>
    </message>
    <message>
        <source>Progress toward the targets</source>
        <translation>目标完成进度</translation>
    </message>
    <message>
        <source>Valid by type</source>
        <translation>按类别有效证书</translation>
    </message>
    <message>
        <source>Trend by period</source>
        <translation>各期趋势</translation>
    </message>
    <message>
        <source>Expiries, next 12 months</source>
        <translation>未来12个月到期</translation>
    </message>
    <message>
        <source>Organisations by industry</source>
        <translation>按行业获证组织</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Work brief (PDF)…</source>
        <translation>工作简报（PDF）…</translation>
    </message>
    <message>
        <source>One page for the office meeting: the indicator table and three charts for the unit and the last period chosen</source>
        <translation>供局务会使用的一页简报：所选单位和截止报告期的指标完成表及三张统计图</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>正在计算…</translation>
    </message>
    <message>
        <source>Could not compute the chart: {error}</source>
        <translation>无法计算图表：{error}</translation>
    </message>
    <message>
        <source>Click a bar to open the matching list.</source>
        <translation>单击柱形可打开对应的列表。</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>SVG drawing (*.svg)</source>
        <translation>SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Save chart</source>
        <translation>保存图表</translation>
    </message>
    <message>
        <source>The chart could not be saved: {error}</source>
        <translation>图表保存失败：{error}</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>The chart was copied to the clipboard.</source>
        <translation>图表已复制到剪贴板。</translation>
    </message>
    <message>
        <source>Save work brief</source>
        <translation>保存工作简报</translation>
    </message>
    <message>
        <source>Work brief written to {path}</source>
        <translation>工作简报已保存到 {path}</translation>
    </message>
    <message>
        <source>Work brief</source>
        <translation>工作简报</translation>
    </message>
    <message>
        <source>Writing the work brief…</source>
        <translation>正在生成工作简报…</translation>
    </message>
</context>
<context>
    <name>ConsolidationPage</name>
    <message>
        <source>Verify files…</source>
        <translation>校验文件…</translation>
    </message>
    <message>
        <source>City consolidation</source>
        <translation>汇总</translation>
    </message>
    <message>
        <source>Reporting period:</source>
        <translation>报告期：</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation>移除所选</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Consolidate into register</source>
        <translation>汇总入库</translation>
    </message>
    <message>
        <source>Replace each unit&apos;s data in the city register with its file, in one transaction; the database is backed up first</source>
        <translation>用各单位的报送表替换其在市局登记簿中的数据（一次完成；先自动备份数据库）</translation>
    </message>
    <message>
        <source>Export city workbook…</source>
        <translation>导出全市汇总表…</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>区划代码</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>生成时间</translation>
    </message>
    <message>
        <source>File or reason</source>
        <translation>文件或原因</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>报告期</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>File used</source>
        <translation>采用的文件</translation>
    </message>
    <message>
        <source>Files received</source>
        <translation>收到的文件</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>重复报送</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>标识</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>涉及单位</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Add the units&apos; workbooks for the period: files or a whole folder.</source>
        <translation>请添加各单位本期的报送表：可选择文件，也可选择整个文件夹。</translation>
    </message>
    <message>
        <source>Add the units&apos; workbooks</source>
        <translation>添加各单位报送表</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Folder with the units&apos; workbooks</source>
        <translation>存放各单位报送表的文件夹</translation>
    </message>
    <message>
        <source>No new workbook found in what was chosen.</source>
        <translation>所选内容中没有新的报送表。</translation>
    </message>
    <message>
        <source>Add files</source>
        <translation>添加文件</translation>
    </message>
    <message>
        <source>Verifying {count} workbooks…</source>
        <translation>正在校验 {count} 个报送表…</translation>
    </message>
    <message>
        <source>Select files in the Files list first.</source>
        <translation>请先在“文件”列表中选择要移除的文件。</translation>
    </message>
    <message>
        <source>Comparing the workbooks…</source>
        <translation>正在比对报送表…</translation>
    </message>
    <message>
        <source>Received and passed</source>
        <translation>已接收且通过</translation>
    </message>
    <message>
        <source>Consolidated</source>
        <translation>已汇总入库</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>缺报</translation>
    </message>
    <message>
        <source>{reported}/{total} units have reported</source>
        <translation>{reported}/{total} 个单位已报送</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>Duplicate, not used</source>
        <translation>重复，未采用</translation>
    </message>
    <message>
        <source>Files ({count})</source>
        <translation>文件（{count}）</translation>
    </message>
    <message>
        <source>Credit code in two units</source>
        <translation>信用代码分属两个单位</translation>
    </message>
    <message>
        <source>Certificate in two units</source>
        <translation>证书出现在两个单位</translation>
    </message>
    <message>
        <source>Conflicts ({count})</source>
        <translation>冲突（{count}）</translation>
    </message>
    <message>
        <source>{count} conflicts: nothing can be stored until the units send corrected files or the conflicting files are removed.</source>
        <translation>发现 {count} 处冲突：在相关单位重新报送更正后的文件或移除冲突文件之前，不能汇总入库。</translation>
    </message>
    <message>
        <source>{count} units sent more than one workbook for the period; the file used for each is shown under Duplicates. {accepted} workbooks are ready to consolidate.</source>
        <translation>有 {count} 个单位本期报送了多个文件，采用哪一个见“重复报送”（默认采用较新生成的文件）。{accepted} 个报送表可以汇总入库。</translation>
    </message>
    <message>
        <source>{accepted} workbooks passed and are ready to consolidate.</source>
        <translation>{accepted} 个报送表校验通过，可以汇总入库。</translation>
    </message>
    <message>
        <source>No workbook can be consolidated; see the reasons under Files.</source>
        <translation>没有可汇总的报送表，原因见“文件”。</translation>
    </message>
    <message>
        <source>{file} (generated {time})</source>
        <translation>{file}（生成于 {time}）</translation>
    </message>
    <message>
        <source>{count} files</source>
        <translation>{count} 个文件</translation>
    </message>
    <message>
        <source>Duplicates ({count})</source>
        <translation>重复报送（{count}）</translation>
    </message>
    <message>
        <source>Nothing to consolidate: add workbooks that pass, without conflicts.</source>
        <translation>没有可汇总的内容：请添加校验通过且无冲突的报送表。</translation>
    </message>
    <message>
        <source>Storing {count} units&apos; data for {period}…</source>
        <translation>正在汇总入库 {count} 个单位 {period} 的数据…</translation>
    </message>
    <message>
        <source>Consolidated {count} units for {period}: {names}; {certificates} certificates and listings now in the city register.</source>
        <translation>已汇总 {count} 个单位 {period} 的数据：{names}；本次写入市局登记簿的证书/名单共 {certificates} 张。</translation>
    </message>
    <message>
        <source>Backup taken before: {path}</source>
        <translation>汇总前已备份：{path}</translation>
    </message>
    <message>
        <source>Folder for the city workbook</source>
        <translation>全市汇总表保存文件夹</translation>
    </message>
    <message>
        <source>Export city workbook</source>
        <translation>导出全市汇总表</translation>
    </message>
    <message>
        <source>Exported {file}</source>
        <translation>已导出 {file}</translation>
    </message>
    <message>
        <source>The city workbook for {period} was written:
{path}

Content hash: {hash}</source>
        <translation>{period} 全市汇总表已生成：
{path}

内容校验值：{hash}</translation>
    </message>
    <message>
        <source>Writing the city workbook for {period}…</source>
        <translation>正在生成 {period} 全市汇总表…</translation>
    </message>
</context>
<context>
    <name>CountySubmissionPage</name>
    <message>
        <source>Verify files…</source>
        <translation>校验文件…</translation>
    </message>
    <message>
        <source>Check submission workbooks: our format, untouched since export, every row valid</source>
        <translation>校验报送表：格式正确、导出后未被改动、每行数据符合填报规则</translation>
    </message>
    <message>
        <source>Submission</source>
        <translation>报送</translation>
    </message>
    <message>
        <source>Period, cover sheet and file</source>
        <translation>报告期、封面信息与保存位置</translation>
    </message>
    <message>
        <source>Reporting period</source>
        <translation>报告期</translation>
    </message>
    <message>
        <source>Filled in by</source>
        <translation>填报人</translation>
    </message>
    <message>
        <source>Telephone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Reviewed by</source>
        <translation>审核人</translation>
    </message>
    <message>
        <source>Head of unit</source>
        <translation>单位负责人</translation>
    </message>
    <message>
        <source>Choose the folder for the workbook</source>
        <translation>选择保存报送表的文件夹</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Save in</source>
        <translation>保存到</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>List the records that would make the submission wrong</source>
        <translation>列出会使报送表出错的记录</translation>
    </message>
    <message>
        <source>Export submission</source>
        <translation>导出报送表</translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Unit of measure</source>
        <translation>计量单位</translation>
    </message>
    <message>
        <source>New in period</source>
        <translation>本期新增</translation>
    </message>
    <message>
        <source>Valid at period end</source>
        <translation>期末有效数</translation>
    </message>
    <message>
        <source>City target</source>
        <translation>2025年目标（全市）</translation>
    </message>
    <message>
        <source>Unit&apos;s quota</source>
        <translation>本单位分解目标</translation>
    </message>
    <message>
        <source>Completion</source>
        <translation>完成率</translation>
    </message>
    <message>
        <source>Certification type</source>
        <translation>认证类别</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>期末有效</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>注销</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>过期失效</translation>
    </message>
    <message>
        <source>What will be sent</source>
        <translation>报送内容</translation>
    </message>
    <message>
        <source>Record type</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Press Check to look for records that would make the submission wrong.</source>
        <translation>点击“检查”，查找会使报送表出错的记录。</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变动类型</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Identifier</source>
        <translation>标识</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>变动日期</translation>
    </message>
    <message>
        <source>What changed</source>
        <translation>变动内容</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>本期变动</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>报告期</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>生成时间</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>操作人员</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件名</translation>
    </message>
    <message>
        <source>Content hash</source>
        <translation>内容校验值</translation>
    </message>
    <message>
        <source>Organisations</source>
        <translation>组织</translation>
    </message>
    <message>
        <source>Certificates</source>
        <translation>证书</translation>
    </message>
    <message>
        <source>Subsidies</source>
        <translation>奖补</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>监督检查</translation>
    </message>
    <message>
        <source>History</source>
        <translation>报送记录</translation>
    </message>
    <message>
        <source>Folder for the submission</source>
        <translation>报送表保存文件夹</translation>
    </message>
    <message>
        <source>Unit not set</source>
        <translation>未设置本单位</translation>
    </message>
    <message>
        <source>Unit: {code} {name}</source>
        <translation>本单位：{code} {name}</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>{unit}, {words}: {organisations} organisations, {certificates} certificates and listings, {changes} changes in the period, {subsidies} subsidy records, {cases} inspections. Figures as of {as_of}.</source>
        <translation>{unit}，{words}：获证组织 {organisations} 家，证书/名单 {certificates} 张，本期变动 {changes} 条，奖补与引领 {subsidies} 条，监督检查 {cases} 条。统计截至 {as_of}。</translation>
    </message>
    <message>
        <source>Changes ({count})</source>
        <translation>本期变动（{count}）</translation>
    </message>
    <message>
        <source>Changes (first {shown} of {count})</source>
        <translation>本期变动（共 {count} 条，显示前 {shown} 条）</translation>
    </message>
    <message>
        <source>File name: {name}</source>
        <translation>文件名：{name}</translation>
    </message>
    <message>
        <source>Checking every record against the data-entry rules…</source>
        <translation>正在按填报规则检查每条记录…</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>组织</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>证书</translation>
    </message>
    <message>
        <source>Subsidy</source>
        <translation>奖补记录</translation>
    </message>
    <message>
        <source>Inspection</source>
        <translation>监督检查记录</translation>
    </message>
    <message>
        <source> (only the first {limit} are listed)</source>
        <translation>（仅列出前 {limit} 个）</translation>
    </message>
    <message>
        <source>{count} problems would make the submission wrong{more}. Double-click a row to open the record.</source>
        <translation>有 {count} 个问题会使报送表出错{more}。双击一行可打开该记录修改。</translation>
    </message>
    <message>
        <source>Check ({count})</source>
        <translation>检查（{count}）</translation>
    </message>
    <message>
        <source>No problems found: every record follows the data-entry rules.</source>
        <translation>未发现问题：所有记录均符合填报规则。</translation>
    </message>
    <message>
        <source>The folder does not exist: {folder}</source>
        <translation>文件夹不存在：{folder}</translation>
    </message>
    <message>
        <source>{name} already exists in this folder. Replace it?</source>
        <translation>该文件夹中已有 {name}，是否替换？</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Writing the submission workbook for {period}…</source>
        <translation>正在生成 {period} 报送表…</translation>
    </message>
    <message>
        <source>Exported {file}</source>
        <translation>已导出 {file}</translation>
    </message>
    <message>
        <source>The submission workbook for {period} was written:
{path}

{organisations} organisations, {certificates} certificates and listings, {changes} changes.
Content hash: {hash}</source>
        <translation>{period} 报送表已生成：
{path}

获证组织 {organisations} 家，证书/名单 {certificates} 张，本期变动 {changes} 条。
内容校验值：{hash}</translation>
    </message>
    <message>
        <source>Export cancelled; no file was written.</source>
        <translation>已取消导出，未生成文件。</translation>
    </message>
    <message>
        <source>History ({count})</source>
        <translation>报送记录（{count}）</translation>
    </message>
</context>
<context>
    <name>CrashReporter</name>
    <message>
        <source>An unexpected error occurred:
{error}

The details were written to the log file:
{path}</source>
        <translation>程序发生意外错误：
{error}

详细信息已写入日志文件：
{path}</translation>
    </message>
    <message>
        <source>GreenCert</source>
        <translation>绿色认证信息管理与报送系统</translation>
    </message>
</context>
<context>
    <name>DeleteDialog</name>
    <message>
        <source>Delete records</source>
        <translation>删除记录</translation>
    </message>
    <message>
        <source>organisation(s)</source>
        <translation>个获证组织</translation>
    </message>
    <message>
        <source>certificate(s) or listing(s)</source>
        <translation>条证书/名单</translation>
    </message>
    <message>
        <source>subsidy record(s)</source>
        <translation>条奖补记录</translation>
    </message>
    <message>
        <source>supervision case(s)</source>
        <translation>条监督检查记录</translation>
    </message>
    <message>
        <source>… and {count} more</source>
        <translation>……另有 {count} 条</translation>
    </message>
    <message>
        <source>Delete {count} {what}?</source>
        <translation>确定删除以下 {count} {what}吗？</translation>
    </message>
    <message>
        <source>Each deletion is recorded in the audit log. This cannot be undone here.</source>
        <translation>每次删除都会记入审计日志，删除后无法在此撤销。</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>“{name}” still has {what}; they will be deleted with it.</source>
        <translation>“{name}”还有 {what}，将一并删除。</translation>
    </message>
    <message>
        <source>{count} record(s) could not be deleted:</source>
        <translation>有 {count} 条记录未能删除：</translation>
    </message>
</context>
<context>
    <name>FileWritten</name>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>No changes recorded.</source>
        <translation>没有变更记录。</translation>
    </message>
    <message>
        <source>History — {record}</source>
        <translation>历史记录 — {record}</translation>
    </message>
    <message>
        <source>{record}: {count} changes recorded, newest first.</source>
        <translation>{record}：共 {count} 条变更记录，最新的在前。</translation>
    </message>
</context>
<context>
    <name>HistoryTable</name>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Old value</source>
        <translation>原值</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <source>Home</source>
        <translation>首页</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Valid certificates</source>
        <translation>有效证书</translation>
    </message>
    <message>
        <source>Certified organisations</source>
        <translation>获证组织</translation>
    </message>
    <message>
        <source>New this period</source>
        <translation>本期新增</translation>
    </message>
    <message>
        <source>Expiring within 90 days</source>
        <translation>90天内到期</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>暂停中</translation>
    </message>
    <message>
        <source>On the serious-dishonesty list</source>
        <translation>列入严重违法失信名单</translation>
    </message>
    <message>
        <source>2025 targets</source>
        <translation>2025年目标指标</translation>
    </message>
    <message>
        <source>To do</source>
        <translation>待办事项</translation>
    </message>
    <message>
        <source>Click an item to open the matching list.</source>
        <translation>单击事项可打开对应的列表。</translation>
    </message>
    <message>
        <source>Could not load the figures: {error}</source>
        <translation>无法加载统计数据：{error}</translation>
    </message>
    <message>
        <source>New this period ({period})</source>
        <translation>本期新增（{period}）</translation>
    </message>
    <message>
        <source>{unit} · as of {date}</source>
        <translation>{unit} · 截至 {date}</translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>完成数</translation>
    </message>
    <message>
        <source>City target</source>
        <translation>全市目标</translation>
    </message>
    <message>
        <source>Unit quota</source>
        <translation>本单位配额</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>完成进度</translation>
    </message>
    <message>
        <source>Reported separately</source>
        <translation>需另行填报</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>不适用</translation>
    </message>
    <message>
        <source>{n} certificates expire within 30 days</source>
        <translation>{n} 张证书将在30天内到期</translation>
    </message>
    <message>
        <source>{n} certificates expire within 60 days</source>
        <translation>{n} 张证书将在60天内到期</translation>
    </message>
    <message>
        <source>{n} certificates expire within 90 days</source>
        <translation>{n} 张证书将在90天内到期</translation>
    </message>
    <message>
        <source>{n} certificates are overdue for surveillance</source>
        <translation>{n} 张证书监督审核逾期</translation>
    </message>
    <message>
        <source>{n} certificates lack fields the submission needs (check before export)</source>
        <translation>{n} 张证书缺少报送所需的字段（导出前检查）</translation>
    </message>
    <message>
        <source>No submission exported yet</source>
        <translation>尚未导出报送表</translation>
    </message>
    <message>
        <source>Last submission: {period}, exported {date}</source>
        <translation>上次报送：{period}，导出于 {date}</translation>
    </message>
    <message>
        <source>due now: {period}</source>
        <translation>当前应报：{period}</translation>
    </message>
    <message>
        <source>next due: {period}</source>
        <translation>下次应报：{period}</translation>
    </message>
    <message>
        <source> ({received} of {units} units have reported)</source>
        <translation>（{units} 个单位中已有 {received} 个报送）</translation>
    </message>
</context>
<context>
    <name>ImportPage</name>
    <message>
        <source>&lt; &amp;Back</source>
        <translation>&lt; 上一步(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Next &gt;</source>
        <translation>下一步 &gt;(&amp;N)</translation>
    </message>
    <message>
        <source>Start &amp;over</source>
        <translation>重新开始(&amp;O)</translation>
    </message>
    <message>
        <source>Step 1 of 5: choose the spreadsheet</source>
        <translation>第 1 步（共 5 步）：选择台账文件</translation>
    </message>
    <message>
        <source>Step 2 of 5: choose the sheets</source>
        <translation>第 2 步（共 5 步）：选择工作表</translation>
    </message>
    <message>
        <source>Step 3 of 5: header row and columns</source>
        <translation>第 3 步（共 5 步）：表头行和各列对应</translation>
    </message>
    <message>
        <source>Step 4 of 5: values the program does not recognise</source>
        <translation>第 4 步（共 5 步）：指定无法识别的取值</translation>
    </message>
    <message>
        <source>Step 5 of 5: dry run — nothing has been written yet</source>
        <translation>第 5 步（共 5 步）：试导入——尚未写入任何数据</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Choose the Excel or WPS file in which you have kept your register so far (.xlsx, .xls or .ods). Title rows, merged cells, blank rows and total rows are fine; several sheets can be imported at once. Nothing is written until you confirm the dry run, and a backup is taken first.</source>
        <translation>请选择您一直用来登记的 Excel 或 WPS 台账文件（.xlsx、.xls 或 .ods）。表格上方的标题行、合并单元格、空行和合计行都没有关系，可以一次导入多个工作表。确认试导入结果之前不会写入任何数据，写入前会先自动备份。</translation>
    </message>
    <message>
        <source>&amp;Choose file…</source>
        <translation>选择文件…(&amp;C)</translation>
    </message>
    <message>
        <source>No file chosen.</source>
        <translation>尚未选择文件。</translation>
    </message>
    <message>
        <source>Tick the sheets to import. Sheets whose header row was not found, and hidden sheets, are not ticked.</source>
        <translation>请勾选要导入的工作表。找不到表头的工作表和隐藏的工作表默认不勾选。</translation>
    </message>
    <message>
        <source>Sheet:</source>
        <translation>工作表：</translation>
    </message>
    <message>
        <source>Header row:</source>
        <translation>表头所在行：</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Header in the file</source>
        <translation>文件中的列标题</translation>
    </message>
    <message>
        <source>Imported as</source>
        <translation>导入为</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Value in the file</source>
        <translation>文件中的取值</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Means</source>
        <translation>对应为</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>All rows</source>
        <translation>全部行</translation>
    </message>
    <message>
        <source>&amp;Export errors…</source>
        <translation>导出错误清单…(&amp;E)</translation>
    </message>
    <message>
        <source>Import the correct rows and leave out the rows in error</source>
        <translation>只导入正确的行，跳过有错误的行</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Unchanged</source>
        <translation>无变化</translation>
    </message>
    <message>
        <source>Duplicate row</source>
        <translation>重复行</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <source>Import &amp;another file</source>
        <translation>导入其他文件(&amp;A)</translation>
    </message>
    <message>
        <source>Choose the register spreadsheet</source>
        <translation>选择台账文件</translation>
    </message>
    <message>
        <source>Spreadsheets (*.xlsx *.xls *.ods);;All files (*)</source>
        <translation>电子表格 (*.xlsx *.xls *.ods);;所有文件 (*)</translation>
    </message>
    <message>
        <source>{sheets} sheet(s) found.</source>
        <translation>共找到 {sheets} 个工作表。</translation>
    </message>
    <message>
        <source>This file cannot be imported: {reason}</source>
        <translation>该文件无法导入：{reason}</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <source>{name} — no header row found</source>
        <translation>{name}——找不到表头行</translation>
    </message>
    <message>
        <source>{name} — header in row {row}, {count} column(s) recognised</source>
        <translation>{name}——表头在第 {row} 行，识别出 {count} 列</translation>
    </message>
    <message>
        <source> (hidden sheet)</source>
        <translation>（隐藏的工作表）</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Tick at least one sheet to import.</source>
        <translation>请至少勾选一个要导入的工作表。</translation>
    </message>
    <message>
        <source>Organisation name</source>
        <translation>企业名称</translation>
    </message>
    <message>
        <source>Unified social credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>Unit (district/county)</source>
        <translation>所属区划（县区）</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Contact person</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Contact phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Certification type</source>
        <translation>认证类型</translation>
    </message>
    <message>
        <source>Certificate number</source>
        <translation>证书编号</translation>
    </message>
    <message>
        <source>Certification body</source>
        <translation>认证机构</translation>
    </message>
    <message>
        <source>Body approval number</source>
        <translation>机构批准号</translation>
    </message>
    <message>
        <source>Issue date</source>
        <translation>发证日期</translation>
    </message>
    <message>
        <source>Expiry date</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <source>Validity (from–to in one cell)</source>
        <translation>有效期（起止写在一格）</translation>
    </message>
    <message>
        <source>Certificate status</source>
        <translation>证书状态</translation>
    </message>
    <message>
        <source>First issue date</source>
        <translation>初次发证日期</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>认证范围</translation>
    </message>
    <message>
        <source>Basis (standard)</source>
        <translation>认证依据（标准）</translation>
    </message>
    <message>
        <source>Batch year (lists)</source>
        <translation>批次年份（名单类）</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>(not imported)</source>
        <translation>（不导入）</translation>
    </message>
    <message>
        <source>Required columns not chosen yet: {columns}. Pick them in the &quot;Imported as&quot; list.</source>
        <translation>还没有指定必需的列：{columns}。请在“导入为”一栏中选择。</translation>
    </message>
    <message>
        <source>The header row is highlighted. Check how each column is imported; change any that is wrong.</source>
        <translation>表头行已用黄色标出。请核对每一列的导入方式，不对的请改正。</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>证书状态</translation>
    </message>
    <message>
        <source>Register as a new certification body</source>
        <translation>登记为新的认证机构</translation>
    </message>
    <message>
        <source>(choose…) — rows stay in error</source>
        <translation>（请选择…）——否则这些行按错误处理</translation>
    </message>
    <message>
        <source>These values were not recognised. Say what each one means; your choices are remembered for the next import. Certification bodies not yet in the register are registered as new ones unless you pick a known one.</source>
        <translation>以下取值无法自动识别，请指定各自的含义；导入成功后会记住这些选择，下次自动使用。登记簿中还没有的认证机构将登记为新机构，也可以选择一个已有的机构。</translation>
    </message>
    <message>
        <source>Checking every row…</source>
        <translation>正在逐行检查…</translation>
    </message>
    <message>
        <source>{rows} row(s): {parts}.</source>
        <translation>共 {rows} 行：{parts}。</translation>
    </message>
    <message>
        <source>No row is in error: press Import to write them.</source>
        <translation>没有错误行：点击“导入”即可写入。</translation>
    </message>
    <message>
        <source>Rows in error are not imported. Correct the file and start over, or tick the box below to import the other rows.</source>
        <translation>有错误的行不会导入。请改正文件后重新开始，或勾选下方选项只导入正确的行。</translation>
    </message>
    <message>
        <source>No data rows were found under the header.</source>
        <translation>表头下面没有找到数据行。</translation>
    </message>
    <message>
        <source>Save the error list</source>
        <translation>保存错误清单</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Export errors</source>
        <translation>导出错误清单</translation>
    </message>
    <message>
        <source>Error list saved to {path}</source>
        <translation>错误清单已保存到 {path}</translation>
    </message>
    <message>
        <source>Imported. New organisations {orgs:,}, changed organisations {orgs_updated:,}, new certificates {certs:,}, changed certificates {certs_updated:,}, new certification bodies {bodies:,}.</source>
        <translation>导入完成。新增组织 {orgs:,} 家，更新组织 {orgs_updated:,} 家，新增证书 {certs:,} 张，更新证书 {certs_updated:,} 张，新登记认证机构 {bodies:,} 个。</translation>
    </message>
    <message>
        <source>The register was backed up before the import: {path}</source>
        <translation>导入前已备份登记簿：{path}</translation>
    </message>
    <message>
        <source>Import cancelled: the register is as it was.</source>
        <translation>已取消导入，登记簿未作任何改动。</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
</context>
<context>
    <name>Job</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>LifecycleDialog</name>
    <message>
        <source>Suspend certificate</source>
        <translation>暂停证书</translation>
    </message>
    <message>
        <source>Revoke certificate</source>
        <translation>撤销证书</translation>
    </message>
    <message>
        <source>Cancel certificate</source>
        <translation>注销证书</translation>
    </message>
    <message>
        <source>Reinstate certificate</source>
        <translation>恢复证书</translation>
    </message>
    <message>
        <source>Date:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
</context>
<context>
    <name>ListPage</name>
    <message>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Export to Excel</source>
        <translation>导出到 Excel</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>Search name or credit code</source>
        <translation>搜索名称或统一社会信用代码</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Only one organisation&apos;s records</source>
        <translation>仅显示一个组织的记录</translation>
    </message>
    <message>
        <source>More filters apply</source>
        <translation>另有筛选条件</translation>
    </message>
    <message>
        <source>{count} records</source>
        <translation>共 {count} 条</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Exporting {count} records…</source>
        <translation>正在导出 {count} 条记录…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The export failed: {error}</source>
        <translation>导出失败：{error}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Green Certification Information Management and Reporting System</source>
        <translation>绿色认证信息管理与报送系统</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>首页</translation>
    </message>
    <message>
        <source>Certified organisations</source>
        <translation>获证组织</translation>
    </message>
    <message>
        <source>Certificates and lists</source>
        <translation>证书与名单</translation>
    </message>
    <message>
        <source>Subsidies and leading enterprises</source>
        <translation>奖补与引领</translation>
    </message>
    <message>
        <source>Supervision and inspection</source>
        <translation>监督检查</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>统计图表</translation>
    </message>
    <message>
        <source>Submission</source>
        <translation>报送</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Unit: {code} {name}</source>
        <translation>本单位：{code} {name}</translation>
    </message>
    <message>
        <source>Unit: not set</source>
        <translation>本单位：未设置</translation>
    </message>
    <message>
        <source>Operator: {operator}</source>
        <translation>操作人员：{operator}</translation>
    </message>
    <message>
        <source>Opening the register…</source>
        <translation>正在打开登记簿…</translation>
    </message>
    <message>
        <source>Database: {path}</source>
        <translation>数据库：{path}</translation>
    </message>
    <message>
        <source>Organisations {organisations} · Certificates {certificates} · Subsidies {subsidies} · Cases {cases}</source>
        <translation>获证组织 {organisations} · 证书 {certificates} · 奖补 {subsidies} · 案件 {cases}</translation>
    </message>
    <message>
        <source>About GreenCert</source>
        <translation>关于绿色认证信息管理与报送系统</translation>
    </message>
    <message>
        <source>Green Certification Information Management and Reporting System
Version {version}

Data folder: {folder}</source>
        <translation>绿色认证信息管理与报送系统
版本 {version}

数据文件夹：{folder}</translation>
    </message>
</context>
<context>
    <name>NewBodyDialog</name>
    <message>
        <source>New certification body</source>
        <translation>新增认证机构</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>机构名称：</translation>
    </message>
    <message>
        <source>Approval number:</source>
        <translation>批准号：</translation>
    </message>
</context>
<context>
    <name>OperatorPage</name>
    <message>
        <source>Operator and reporting period</source>
        <translation>操作人员与报送周期</translation>
    </message>
    <message>
        <source>Who works with the register, and how often it reports.</source>
        <translation>谁来维护登记簿，多久报送一次。</translation>
    </message>
    <message>
        <source>Every change is recorded in the history under the operator&apos;s name. Submissions are made each quarter unless the city asks for monthly or yearly ones.</source>
        <translation>每一项修改都以操作人员的名义记入历史记录。除市局另有要求（按月或按年）外，每季度报送一次。</translation>
    </message>
    <message>
        <source>Your name (required)</source>
        <translation>您的姓名（必填）</translation>
    </message>
    <message>
        <source>Operator &amp;name:</source>
        <translation>操作人员姓名(&amp;N)</translation>
    </message>
    <message>
        <source>Reporting &amp;period:</source>
        <translation>报送周期(&amp;P)</translation>
    </message>
</context>
<context>
    <name>OrganisationDetailDialog</name>
    <message>
        <source>&amp;Edit organisation…</source>
        <translation>编辑组织…(&amp;E)</translation>
    </message>
    <message>
        <source>Add &amp;certificate or listing…</source>
        <translation>添加证书或名单…(&amp;C)</translation>
    </message>
    <message>
        <source>Add &amp;subsidy…</source>
        <translation>添加奖补…(&amp;S)</translation>
    </message>
    <message>
        <source>Add supervision c&amp;ase…</source>
        <translation>添加监督检查…(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Certificate number</source>
        <translation>证书编号</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>认证类别</translation>
    </message>
    <message>
        <source>Certification body</source>
        <translation>认证机构</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>发证日期</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Last surveillance</source>
        <translation>最近监督审核</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>认证范围</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Listing</source>
        <translation>名单类别</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>发布机关</translation>
    </message>
    <message>
        <source>Batch year</source>
        <translation>批次年份</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Document number</source>
        <translation>文号</translation>
    </message>
    <message>
        <source>Date granted</source>
        <translation>发放日期</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Inspected on</source>
        <translation>检查日期</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>检查方式</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>关联证书</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>检查发现</translation>
    </message>
    <message>
        <source>Action taken</source>
        <translation>处理措施</translation>
    </message>
    <message>
        <source>Serious dishonesty list</source>
        <translation>列入严重违法失信名单</translation>
    </message>
    <message>
        <source>Credit code:</source>
        <translation>统一社会信用代码：</translation>
    </message>
    <message>
        <source>Unit:</source>
        <translation>所属区划：</translation>
    </message>
    <message>
        <source>Industry:</source>
        <translation>所属行业：</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>企业规模：</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <source>Contact:</source>
        <translation>联系人：</translation>
    </message>
    <message>
        <source>Credit standing:</source>
        <translation>信用状况：</translation>
    </message>
    <message>
        <source>Leader designation:</source>
        <translation>领跑者：</translation>
    </message>
    <message>
        <source>Designations:</source>
        <translation>企业称号：</translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>Credit code exception:</source>
        <translation>信用代码例外说明：</translation>
    </message>
    <message>
        <source>Last changed:</source>
        <translation>最后修改：</translation>
    </message>
    <message>
        <source>Organisation — {name}</source>
        <translation>获证组织 — {name}</translation>
    </message>
    <message>
        <source>Specialised and innovative</source>
        <translation>专精特新</translation>
    </message>
    <message>
        <source>High-tech enterprise</source>
        <translation>高新技术企业</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>No certificates.</source>
        <translation>没有证书。</translation>
    </message>
    <message>
        <source>No listings.</source>
        <translation>没有名单。</translation>
    </message>
    <message>
        <source>No subsidies.</source>
        <translation>没有奖补记录。</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>No supervision cases.</source>
        <translation>没有监督检查记录。</translation>
    </message>
    <message>
        <source>Certificates ({count})</source>
        <translation>证书（{count}）</translation>
    </message>
    <message>
        <source>Listings ({count})</source>
        <translation>名单（{count}）</translation>
    </message>
    <message>
        <source>Subsidies ({count})</source>
        <translation>奖补（{count}）</translation>
    </message>
    <message>
        <source>Supervision ({count})</source>
        <translation>监督检查（{count}）</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>This form is not available yet.</source>
        <translation>该表单暂不可用。</translation>
    </message>
</context>
<context>
    <name>OrganisationForm</name>
    <message>
        <source>New organisation</source>
        <translation>新建获证组织</translation>
    </message>
    <message>
        <source>Edit organisation</source>
        <translation>编辑获证组织</translation>
    </message>
    <message>
        <source>18 characters, e.g. 91320700MA1XXXXXXX</source>
        <translation>18位，如 91320700MA1XXXXXXX</translation>
    </message>
    <message>
        <source>Open the existing record</source>
        <translation>打开已登记的记录</translation>
    </message>
    <message>
        <source>Credit code:</source>
        <translation>统一社会信用代码：</translation>
    </message>
    <message>
        <source>Keep this code although its check character fails (early pilot code)</source>
        <translation>校验不通过仍保留该代码（早期试点发放）</translation>
    </message>
    <message>
        <source>Why the code is kept, e.g. as printed on the business licence</source>
        <translation>保留原因，如：与营业执照一致</translation>
    </message>
    <message>
        <source>Override:</source>
        <translation>校验例外：</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>组织名称：</translation>
    </message>
    <message>
        <source>— choose —</source>
        <translation>— 请选择 —</translation>
    </message>
    <message>
        <source>Unit:</source>
        <translation>所属区划：</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <source>4-digit class</source>
        <translation>4位行业代码</translation>
    </message>
    <message>
        <source>Industry section:</source>
        <translation>行业门类：</translation>
    </message>
    <message>
        <source>Industry class (GB/T 4754):</source>
        <translation>行业代码（GB/T 4754）：</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>企业规模：</translation>
    </message>
    <message>
        <source>Contact person:</source>
        <translation>联系人：</translation>
    </message>
    <message>
        <source>Phone:</source>
        <translation>联系电话：</translation>
    </message>
    <message>
        <source>Credit standing:</source>
        <translation>信用状况：</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Leader designation:</source>
        <translation>领跑者类别：</translation>
    </message>
    <message>
        <source>Specialised and innovative SME</source>
        <translation>专精特新</translation>
    </message>
    <message>
        <source>High-tech enterprise</source>
        <translation>高新技术企业</translation>
    </message>
    <message>
        <source>Designations:</source>
        <translation>企业称号：</translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>The credit code is checked as you type; Save is enabled when every field is valid.</source>
        <translation>输入统一社会信用代码时即时校验；各项填写无误后才能保存。</translation>
    </message>
</context>
<context>
    <name>OrganisationPicker</name>
    <message>
        <source>Type part of the name or the credit code</source>
        <translation>输入组织名称的一部分或统一社会信用代码</translation>
    </message>
    <message>
        <source>New organisation…</source>
        <translation>新建组织…</translation>
    </message>
</context>
<context>
    <name>OrganisationsPage</name>
    <message>
        <source>Certified organisations</source>
        <translation>获证组织</translation>
    </message>
    <message>
        <source>Organisations</source>
        <translation>获证组织</translation>
    </message>
    <message>
        <source>Unit:</source>
        <translation>所属区划：</translation>
    </message>
    <message>
        <source>Industry:</source>
        <translation>所属行业：</translation>
    </message>
    <message>
        <source>Credit standing:</source>
        <translation>信用状况：</translation>
    </message>
    <message>
        <source>Leader designation:</source>
        <translation>领跑者类别：</translation>
    </message>
    <message>
        <source>Valid certificates:</source>
        <translation>有效证书：</translation>
    </message>
    <message>
        <source>With valid certificates</source>
        <translation>有有效证书</translation>
    </message>
    <message>
        <source>Without valid certificates</source>
        <translation>无有效证书</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Certificates</source>
        <translation>查看证书</translation>
    </message>
</context>
<context>
    <name>PagedTableModel</name>
    <message>
        <source>Certificate number</source>
        <translation>证书编号</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>组织名称</translation>
    </message>
    <message>
        <source>Credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>证书类型</translation>
    </message>
    <message>
        <source>Certification body</source>
        <translation>认证机构</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>发证日期</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>所属区划</translation>
    </message>
    <message>
        <source>Last surveillance</source>
        <translation>最近监督审核</translation>
    </message>
    <message>
        <source>Organisation name</source>
        <translation>组织名称</translation>
    </message>
    <message>
        <source>Industry section</source>
        <translation>行业门类</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>规模</translation>
    </message>
    <message>
        <source>Credit standing</source>
        <translation>信用状况</translation>
    </message>
    <message>
        <source>Leader designation</source>
        <translation>领跑者类别</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Valid certificates</source>
        <translation>有效证书数</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Document number</source>
        <translation>文号</translation>
    </message>
    <message>
        <source>Granted on</source>
        <translation>发放日期</translation>
    </message>
    <message>
        <source>Inspected on</source>
        <translation>检查日期</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>涉及证书</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>检查方式</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>检查发现</translation>
    </message>
    <message>
        <source>Action taken</source>
        <translation>处理措施</translation>
    </message>
    <message>
        <source>Serious dishonesty list</source>
        <translation>列入严重违法失信名单</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Expires within {days} days</source>
        <translation>{days}天内到期</translation>
    </message>
</context>
<context>
    <name>PeriodChooser</name>
    <message>
        <source>Previous period</source>
        <translation>上一期</translation>
    </message>
    <message>
        <source>Next period</source>
        <translation>下一期</translation>
    </message>
    <message>
        <source>{period}, not over yet</source>
        <translation>{period}，尚未结束</translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <source>Tick to enter a date; untick to leave it empty</source>
        <translation>勾选后填写日期；不勾选表示留空</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Still to fill in or correct: {fields}</source>
        <translation>尚需填写或更正：{fields}</translation>
    </message>
</context>
<context>
    <name>RecordTab</name>
    <message>
        <source>&amp;Edit…</source>
        <translation>编辑…(&amp;E)</translation>
    </message>
    <message>
        <source>Histor&amp;y…</source>
        <translation>历史记录…(&amp;Y)</translation>
    </message>
</context>
<context>
    <name>RowsModel</name>
    <message>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行号</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>企业名称</translation>
    </message>
    <message>
        <source>Credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>认证类型</translation>
    </message>
    <message>
        <source>Certificate number</source>
        <translation>证书编号</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>说明</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <source>&amp;Save settings</source>
        <translation>保存设置(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Undo changes</source>
        <translation>撤销修改(&amp;U)</translation>
    </message>
    <message>
        <source>Data folders</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>&amp;Back up now</source>
        <translation>立即备份(&amp;B)</translation>
    </message>
    <message>
        <source>Database address:</source>
        <translation>数据库地址：</translation>
    </message>
    <message>
        <source>Operator:</source>
        <translation>操作人员：</translation>
    </message>
    <message>
        <source>Interface language:</source>
        <translation>界面语言：</translation>
    </message>
    <message>
        <source>Automatic backups to keep:</source>
        <translation>保留的自动备份数量：</translation>
    </message>
    <message>
        <source>Unit:</source>
        <translation>本单位：</translation>
    </message>
    <message>
        <source>Office name:</source>
        <translation>单位名称：</translation>
    </message>
    <message>
        <source>Reporting period:</source>
        <translation>报送周期：</translation>
    </message>
    <message>
        <source>Document number:</source>
        <translation>文号：</translation>
    </message>
    <message>
        <source>Leave empty to use greencert.db in the data folder; a PostgreSQL URL is also accepted.</source>
        <translation>留空则使用数据文件夹中的 greencert.db；也可填写 PostgreSQL 地址。</translation>
    </message>
    <message>
        <source>The city office chooses the city entry (320700).</source>
        <translation>市局请选择“市局（全市汇总）”（320700）。</translation>
    </message>
    <message>
        <source>Printed in the top-right corner of the submission workbook (文号).</source>
        <translation>印在报送表右上角的文号。</translation>
    </message>
    <message>
        <source>Older automatic backups are deleted.</source>
        <translation>超出数量的较早自动备份将被删除。</translation>
    </message>
    <message>
        <source>Simplified Chinese</source>
        <translation>简体中文</translation>
    </message>
    <message>
        <source>English</source>
        <translation>English</translation>
    </message>
    <message>
        <source>(not set)</source>
        <translation>（未设置）</translation>
    </message>
    <message>
        <source>e.g. postgresql+psycopg://user:password@server/greencert</source>
        <translation>例如 postgresql+psycopg://用户名:密码@服务器/greencert</translation>
    </message>
    <message>
        <source>Nothing changed.</source>
        <translation>没有需要保存的修改。</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
    <message>
        <source>The database address and the interface language take effect after the program is restarted.</source>
        <translation>数据库地址和界面语言在重新启动程序后生效。</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>数据文件夹：</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>数据库：</translation>
    </message>
    <message>
        <source>Log folder:</source>
        <translation>日志文件夹：</translation>
    </message>
    <message>
        <source>Backups folder:</source>
        <translation>备份文件夹：</translation>
    </message>
    <message>
        <source>Backup written to {path}</source>
        <translation>已备份到 {path}</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>{code} {name} city office (city-wide summary)</source>
        <translation>{code} {name} 市局（全市汇总）</translation>
    </message>
    <message>
        <source>Quarterly</source>
        <translation>季度</translation>
    </message>
    <message>
        <source>Monthly</source>
        <translation>月度</translation>
    </message>
    <message>
        <source>Yearly</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>{unit} Administration for Market Regulation</source>
        <translation>{unit}市场监督管理局</translation>
    </message>
    <message>
        <source>GreenCert set-up</source>
        <translation>绿色认证系统初始设置</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>欢迎使用</translation>
    </message>
    <message>
        <source>This is the first start of the Green Certification Information Management and Reporting System on this computer.

Answer a few questions to set it up. Everything can be changed later under Settings.

Data folder: {folder}</source>
        <translation>这是本机第一次启动绿色认证信息管理与报送系统。

请回答几个问题完成初始设置。所有设置以后都可以在“设置”中修改。

数据文件夹：{folder}</translation>
    </message>
    <message>
        <source>&amp;Finish</source>
        <translation>完成(&amp;F)</translation>
    </message>
</context>
<context>
    <name>SubsidiesPage</name>
    <message>
        <source>Subsidies and leading enterprises</source>
        <translation>奖补与引领</translation>
    </message>
    <message>
        <source>Subsidies</source>
        <translation>奖补与引领</translation>
    </message>
    <message>
        <source>Year:</source>
        <translation>年度：</translation>
    </message>
    <message>
        <source>Category:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>Unit:</source>
        <translation>所属区划：</translation>
    </message>
    <message>
        <source>Search organisation, credit code or document number</source>
        <translation>搜索组织名称、统一社会信用代码或文号</translation>
    </message>
</context>
<context>
    <name>SubsidyForm</name>
    <message>
        <source>New subsidy or leading-unit record</source>
        <translation>新增奖补与引领记录</translation>
    </message>
    <message>
        <source>Edit subsidy or leading-unit record</source>
        <translation>编辑奖补与引领记录</translation>
    </message>
    <message>
        <source>Year:</source>
        <translation>年度：</translation>
    </message>
    <message>
        <source>Organisation:</source>
        <translation>组织：</translation>
    </message>
    <message>
        <source>Category:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source> yuan</source>
        <translation> 元</translation>
    </message>
    <message>
        <source>Amount:</source>
        <translation>金额：</translation>
    </message>
    <message>
        <source>e.g. 连市监发〔2025〕12号</source>
        <translation>如 连市监发〔2025〕12号</translation>
    </message>
    <message>
        <source>Document number:</source>
        <translation>文号：</translation>
    </message>
    <message>
        <source>Granted on:</source>
        <translation>发放日期：</translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation>备注：</translation>
    </message>
</context>
<context>
    <name>SupervisionPage</name>
    <message>
        <source>Supervision and inspection</source>
        <translation>监督检查</translation>
    </message>
    <message>
        <source>Supervision cases</source>
        <translation>监督检查</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>检查方式：</translation>
    </message>
    <message>
        <source>Serious dishonesty list:</source>
        <translation>严重违法失信名单：</translation>
    </message>
    <message>
        <source>Listed</source>
        <translation>已列入</translation>
    </message>
    <message>
        <source>Not listed</source>
        <translation>未列入</translation>
    </message>
    <message>
        <source>Unit:</source>
        <translation>所属区划：</translation>
    </message>
    <message>
        <source>Search organisation, credit code or finding</source>
        <translation>搜索组织名称、统一社会信用代码或检查发现</translation>
    </message>
</context>
<context>
    <name>SurveillanceDialog</name>
    <message>
        <source>Record surveillance audit</source>
        <translation>登记监督审核</translation>
    </message>
    <message>
        <source>Audit date:</source>
        <translation>审核日期：</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>说明：</translation>
    </message>
</context>
<context>
    <name>UnitPage</name>
    <message>
        <source>Your unit</source>
        <translation>本单位</translation>
    </message>
    <message>
        <source>Which unit does this computer keep the register for?</source>
        <translation>本机为哪个单位维护登记簿？</translation>
    </message>
    <message>
        <source>Choose your district, county or functional zone. The city office chooses the city entry: it receives and consolidates the counties&apos; submissions.</source>
        <translation>请选择本单位所在的区、县或功能板块。市局请选择“市局（全市汇总）”，用于接收并汇总各县区的报送。</translation>
    </message>
    <message>
        <source>e.g. {example}</source>
        <translation>例如 {example}</translation>
    </message>
    <message>
        <source>&amp;Unit:</source>
        <translation>本单位(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Office name:</source>
        <translation>单位名称(&amp;O)</translation>
    </message>
    <message>
        <source>The office name appears on the submission workbooks (填报单位).</source>
        <translation>单位名称将作为“填报单位”出现在报送表上。</translation>
    </message>
</context>
<context>
    <name>VerifyDialog</name>
    <message>
        <source>Verify submission workbooks</source>
        <translation>校验报送表</translation>
    </message>
    <message>
        <source>Checks that a workbook was written by this program in a known template version, has not been changed since it was exported, and that every row follows the data-entry rules. You can also drop files here.</source>
        <translation>检查报送表是否由本系统按已知模板版本生成、导出后是否被改动、每行数据是否符合填报规则。也可以把文件拖到此窗口。</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>填报单位</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>报告期</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>生成时间</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>No files yet.</source>
        <translation>尚未添加文件。</translation>
    </message>
    <message>
        <source>Choose submission workbooks</source>
        <translation>选择报送表</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx);;All files (*)</source>
        <translation>Excel 工作簿 (*.xlsx);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Verifying {count} files…</source>
        <translation>正在校验 {count} 个文件…</translation>
    </message>
    <message>
        <source>Passed</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>Failed: {count} problems</source>
        <translation>未通过：{count} 个问题</translation>
    </message>
    <message>
        <source>{failed} of {count} files failed the check.</source>
        <translation>{count} 个文件中有 {failed} 个未通过校验。</translation>
    </message>
    <message>
        <source>All {count} files passed: complete, untouched and valid.</source>
        <translation>{count} 个文件全部通过：文件完整、未被改动、数据有效。</translation>
    </message>
    <message>
        <source>(file)</source>
        <translation>（整个文件）</translation>
    </message>
    <message>
        <source>Note: {message}</source>
        <translation>提示：{message}</translation>
    </message>
    <message>
        <source>… and {count} more problems</source>
        <translation>……另有 {count} 个问题</translation>
    </message>
</context>
</TS>
