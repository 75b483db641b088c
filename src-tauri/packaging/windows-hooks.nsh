; Hooks of the Windows installer (NSIS), included by Tauri's installer script.
; UNVERIFIED: written on Linux, never compiled (see docs/packaging.md).
; parc-cli.exe, for the nightly ERP export, goes beside Parc.exe. The installer script is
; compiled in target\release\nsis\x64, so the CLI built by `cargo build --release -p parc-cli`
; is two folders up.

!macro NSIS_HOOK_POSTINSTALL
  SetOutPath "$INSTDIR"
  File "..\..\parc-cli.exe"
!macroend

!macro NSIS_HOOK_POSTUNINSTALL
  Delete "$INSTDIR\parc-cli.exe"
!macroend
