; Inno Setup 6 script for hoteltv on Windows (x64). Compile after `python packaging\build.py`:
;
;   iscc /DAppVersion=0.1.0 packaging\windows\hoteltv.iss
;
; Input:  dist\hoteltv\ (the frozen one-folder build: hoteltv-gui.exe, hoteltv.exe, _internal\)
;         build\hoteltv.ico (made by build.py from resources\icons)
; Output: dist\hoteltv-setup-<version>.exe
;
; Saved as UTF-8 with a byte-order mark: Inno Setup reads the Chinese names right only then.
;
; The program goes under Program Files ({autopf}\hoteltv; per-user installs under the user's Programs
; folder). The data (database, photos, backups) lives in %LOCALAPPDATA%\hoteltv, which this installer
; never creates, changes or removes: uninstalling deletes the program only. See docs/installing.md.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "酒店电视检查"
#define Root AddBackslash(SourcePath) + "..\.."

[Setup]
; AppId identifies the program across versions (upgrades replace it in place): never change it.
AppId={{6F1D2C3B-8A4E-4F57-9B1C-2D7E5A9C4B10}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=hoteltv
DefaultDirName={autopf}\hoteltv
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=hoteltv-setup-{#AppVersion}
SetupIconFile={#Root}\build\hoteltv.ico
UninstallDisplayIcon={app}\hoteltv-gui.exe
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "zh_CN"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
zh_CN.DesktopIcon=创建桌面快捷方式
en.DesktopIcon=Create a desktop shortcut
zh_CN.LaunchApp=启动酒店电视检查
en.LaunchApp=Start hoteltv
zh_CN.UninstallEntry=卸载酒店电视检查
en.UninstallEntry=Uninstall hoteltv

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the program folder's bundled libraries wholesale (a file dropped from a newer build
; must not linger). Only {app}\_internal: the data folder is elsewhere and untouched.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Root}\dist\hoteltv\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{#Root}\build\hoteltv.ico"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\hoteltv-gui.exe"; IconFilename: "{app}\hoteltv.ico"; Comment: "酒店电视整改检查"
Name: "{group}\{cm:UninstallEntry}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\hoteltv-gui.exe"; IconFilename: "{app}\hoteltv.ico"; Tasks: desktopicon

[Run]
Filename: "{app}\hoteltv-gui.exe"; Description: "{cm:LaunchApp}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself wrote next to itself (PyInstaller leaves __pycache__ nowhere; nothing else).
; %LOCALAPPDATA%\hoteltv (database, photos, backups, settings) is deliberately NOT listed: it stays.
Type: dirifempty; Name: "{app}"
