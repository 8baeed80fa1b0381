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
    <name>PlaceholderPage</name>
    <message>
        <source>This feature will be provided in a later version.</source>
        <translation>此功能将在后续版本中提供。</translation>
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
</TS>
