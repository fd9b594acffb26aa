; sockplay's Windows installer, built by scripts/package.sh with makensis.
; Every value comes from FyneApp.toml through -D defines:
;   NAME ID VERSION VERSION4 BUILD WEBSITE EXE ICON OUTFILE
; Installs sockplay.exe for all users, adds a Start-menu shortcut and an
; uninstaller registered in Settings > Apps (Add/Remove Programs).

; A 64-bit installer (NSIS's amd64 stubs, Debian's nsis has them): the app
; is 64-bit only, and wine64 cannot run NSIS's default 32-bit (PE32) stub,
; so `make package` could not test-install it. Implies Unicode true.
Target amd64-unicode
SetCompressor /SOLID lzma
!include "MUI2.nsh"
!include "x64.nsh"

!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${ID}"

Name "${NAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${NAME}"
InstallDirRegKey HKLM "${UNINSTKEY}" "InstallLocation"
RequestExecutionLevel admin
ManifestDPIAware true

VIProductVersion "${VERSION4}"
VIAddVersionKey "ProductName" "${NAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION4}"
VIAddVersionKey "FileDescription" "${NAME} ${VERSION} installer"
VIAddVersionKey "LegalCopyright" "${WEBSITE}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${NAME}.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function .onInit
	; (A 64-bit installer does not start on 32-bit Windows at all; the check
	; stays for the day the Target changes.)
	${IfNot} ${RunningX64}
		MessageBox MB_ICONSTOP "${NAME} needs 64-bit Windows."
		Abort
	${EndIf}
	SetRegView 64
FunctionEnd

Function un.onInit
	SetRegView 64
FunctionEnd

Section "${NAME}" SecMain
	SectionIn RO
	SetShellVarContext all
	SetOutPath "$INSTDIR"
	File "/oname=${NAME}.exe" "${EXE}"
	WriteUninstaller "$INSTDIR\uninstall.exe"

	CreateShortcut "$SMPROGRAMS\${NAME}.lnk" "$INSTDIR\${NAME}.exe" "" "$INSTDIR\${NAME}.exe" 0

	WriteRegStr HKLM "${UNINSTKEY}" "DisplayName" "${NAME}"
	WriteRegStr HKLM "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr HKLM "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${NAME}.exe"
	WriteRegStr HKLM "${UNINSTKEY}" "Publisher" "${NAME} developers"
	WriteRegStr HKLM "${UNINSTKEY}" "URLInfoAbout" "${WEBSITE}"
	WriteRegStr HKLM "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr HKLM "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
	WriteRegStr HKLM "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
	WriteRegDWORD HKLM "${UNINSTKEY}" "NoModify" 1
	WriteRegDWORD HKLM "${UNINSTKEY}" "NoRepair" 1
	SectionGetSize ${SecMain} $0
	WriteRegDWORD HKLM "${UNINSTKEY}" "EstimatedSize" $0
SectionEnd

Section "Uninstall"
	SetShellVarContext all
	Delete "$SMPROGRAMS\${NAME}.lnk"
	Delete "$INSTDIR\${NAME}.exe"
	Delete "$INSTDIR\uninstall.exe"
	RMDir "$INSTDIR"
	DeleteRegKey HKLM "${UNINSTKEY}"
SectionEnd
