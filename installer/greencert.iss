; Inno Setup script for GreenCert Desktop (绿色认证信息管理与报送系统).
;
; Compile after building the bundle (pyinstaller --noconfirm build.spec):
;   iscc /DAppVersion=0.1.0 installer\greencert.iss
; The installer lands in dist\installer\GreenCert-Setup-<version>.exe.
;
; - Per-user install without administrator rights by default (PrivilegesRequired=lowest:
;   %LOCALAPPDATA%\Programs\GreenCert); the first page lets a user with admin rights choose
;   an install for all users instead (PrivilegesRequiredOverridesAllowed).
; - The AppId below is FIXED: never change it. Setup of a newer version finds the old one by
;   it and upgrades in place (same folder, shortcuts, uninstaller entry).
; - The data folder (database, backups, logs, settings) is NOT in the program folder: it is
;   platformdirs' user_data_dir("GreenCert", appauthor=False) = %LOCALAPPDATA%\GreenCert.
;   Upgrading never touches it; the uninstaller keeps it unless the user says to delete it.
;   (A portable copy with portable.txt keeps its data in <program folder>\data instead.)
;
; This file is UTF-8 with a byte-order mark: Inno Setup needs the mark to read the Chinese.

#define AppName "绿色认证信息管理与报送系统"
#define AppShortName "GreenCert"
#define AppPublisher "连云港市市场监督管理局"
#define AppExeName "GreenCert.exe"
#define BundleDir AddBackslash(SourcePath) + "..\dist\GreenCert"

#ifndef AppVersion
  ; Not given with /DAppVersion=…: read it from the version resource build.spec wrote.
  #define AppVersion GetVersionNumbersString(BundleDir + "\" + AppExeName)
#endif

; Chinese (Simplified) installer text. ChineseSimplified.isl is an official translation
; only in newer Inno Setup releases; in Inno Setup 6 it is "unofficial" and not installed
; with the compiler. Fallback order: the compiler's own Languages folder, then a copy next
; to this script (the Windows workflow downloads the one matching the pinned compiler
; into installer\), and only if neither exists, English (with a message in the compiler output).
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
  #define ChineseIsl "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ChineseIsl AddBackslash(SourcePath) + "ChineseSimplified.isl"
#else
  #pragma message "WARNING: ChineseSimplified.isl not found: the installer will be in English only"
#endif

[Setup]
AppId={{2D58604D-B07E-4718-8DA5-5B2869279C48}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoCompany={#AppPublisher}
; Per-user by default; admins may choose "all users" on the first page (or /ALLUSERS).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline dialog
; {autopf} is %LOCALAPPDATA%\Programs for a per-user install, Program Files for all users.
DefaultDirName={autopf}\{#AppShortName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
UsePreviousGroup=yes
UsePreviousTasks=yes
; A running GreenCert is closed (Restart Manager) before its files are replaced.
CloseApplications=yes
RestartApplications=no
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; PySide6 6.10 needs Windows 10 (1809) or later.
MinVersion=10.0.17763
OutputDir=..\dist\installer
OutputBaseFilename=GreenCert-Setup-{#AppVersion}
SetupIconFile=..\resources\icons\greencert.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName}
Compression=lzma2/ultra64
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no

[Languages]
#ifdef ChineseIsl
Name: "chinesesimplified"; MessagesFile: "{#ChineseIsl}"
#else
Name: "english"; MessagesFile: "compiler:Default.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; GroupDescription: "快捷方式："

[InstallDelete]
; Upgrade in place: remove the previous version's libraries first, so no stale module of
; an older build stays behind. The data folder lives elsewhere and is never touched.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"
Name: "{group}\卸载{#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "启动{#AppName}"; Flags: nowait postinstall skipifsilent

[Code]
var
  DeleteDataFolder: Boolean;

{ The folder the program keeps its data in: platformdirs.user_data_dir("GreenCert",
  appauthor=False) on Windows = %LOCALAPPDATA%\GreenCert (of the user uninstalling). }
function DataFolder(): String;
begin
  Result := ExpandConstant('{localappdata}\{#AppShortName}');
end;

{ Asked once, before anything is removed. The answer defaults to keeping the data (also in
  a silent uninstall, /SUPPRESSMSGBOXES): only a deliberate "是" deletes it. Reinstalling
  later finds the register as it was. }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usUninstall then
  begin
    DeleteDataFolder := False;
    if DirExists(DataFolder()) then
      DeleteDataFolder := SuppressibleMsgBox(
        '是否同时删除数据文件夹？' + #13#10#13#10 +
        DataFolder() + #13#10#13#10 +
        '其中有登记簿数据库、备份、日志和设置。选择“否”（默认）将保留这些数据，' +
        '重新安装后可继续使用；选择“是”将永久删除，无法恢复。',
        mbConfirmation, MB_YESNO or MB_DEFBUTTON2, IDNO) = IDYES;
  end;
  if (CurUninstallStep = usPostUninstall) and DeleteDataFolder then
  begin
    if not DelTree(DataFolder(), True, True, True) then
      SuppressibleMsgBox('数据文件夹未能全部删除，请手动删除：' + #13#10 + DataFolder(),
        mbError, MB_OK, IDOK);
  end;
end;
