; Fanday's Windows installer: per user, no administrator rights. Installs
; into %LOCALAPPDATA%\Programs\Fanday with a Start menu entry and an
; uninstaller; the person's data (%APPDATA%\se.fanday.app) is never touched,
; so it stays after an uninstall. Built by scripts/package-windows:
;   makensis -DVERSION=0.1.0 -DDIST=<folder with fanday.exe> -DICON=<icon.ico>
;            -DOUTFILE=<Fanday-Setup-x.y.z.exe> fanday.nsi

; A 64-bit installer for the 64-bit program.
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user

!define APP "Fanday"
!define IDENTIFIER "se.fanday.app"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${IDENTIFIER}"
; Where Windows looks up a desktop app's toast sender by its app id.
!define AUMID_KEY "Software\Classes\AppUserModelId\${IDENTIFIER}"
; The Evergreen WebView2 Runtime's client id, as Microsoft documents it.
!define WEBVIEW2_CLIENT "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define WEBVIEW2_URL "https://developer.microsoft.com/microsoft-edge/webview2/"

Name "${APP}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${APP} ${VERSION}"

!include "MUI2.nsh"
!include "LogicLib.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_FINISHPAGE_RUN "$INSTDIR\fanday.exe"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Swedish"
!insertmacro MUI_LANGUAGE "English"

LangString WebView2Missing ${LANG_SWEDISH} "Fanday visar sitt fönster med Microsoft Edge WebView2, som saknas på den här datorn. Hämta WebView2 Runtime (Evergreen) gratis från ${WEBVIEW2_URL} eller be IT installera den. Fanday är installerat och fungerar när WebView2 finns."
LangString WebView2Missing ${LANG_ENGLISH} "Fanday draws its window with Microsoft Edge WebView2, which this PC does not have. Get the WebView2 Runtime (Evergreen) free from ${WEBVIEW2_URL} or ask IT to install it. Fanday is installed and works once WebView2 is there."

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${APP}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "${APP} installer"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "${APP}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "${APP}"

Function .onInit
  SetShellVarContext current
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

; Says where to get WebView2 when it is missing, instead of leaving a
; window that never opens. A silent install writes it to its log only.
Function CheckWebView2
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    DetailPrint "$(WebView2Missing)"
    MessageBox MB_ICONINFORMATION|MB_OK "$(WebView2Missing)" /SD IDOK
  ${EndIf}
FunctionEnd

Section "Fanday"
  SetOutPath "$INSTDIR"
  File "${DIST}\fanday.exe"
  File "${DIST}\WebView2Loader.dll"
  File "/oname=fanday.ico" "${ICON}"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortCut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\fanday.exe" "" "$INSTDIR\fanday.exe" 0

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\fanday.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ; The reminder's toasts come from "Fanday", with its icon.
  WriteRegStr HKCU "${AUMID_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${AUMID_KEY}" "IconUri" "$INSTDIR\fanday.ico"

  Call CheckWebView2
SectionEnd

Section "Uninstall"
  ; Fanday may be running in the tray: the files cannot go while it does.
  nsExec::Exec 'taskkill /IM fanday.exe /F'
  Delete "$INSTDIR\fanday.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\fanday.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APP}.lnk"
  ; "Open Fanday when I log in" (tauri-plugin-autostart's Run entry).
  DeleteRegValue HKCU "Software\Microsoft\Windows\CurrentVersion\Run" "${APP}"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "${AUMID_KEY}"
  ; The person's moments, settings and backups stay in %APPDATA%\${IDENTIFIER}.
SectionEnd
