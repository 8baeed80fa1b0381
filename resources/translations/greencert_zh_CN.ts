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
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
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
    <name>PlaceholderPage</name>
    <message>
        <source>This feature will be provided in a later version.</source>
        <translation>此功能将在后续版本中提供。</translation>
    </message>
</context>
</TS>
