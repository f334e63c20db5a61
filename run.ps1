<#
hoteltv's two commands on Windows (the same as ./run.sh on Linux):

  .\run.ps1 [ARGS...]              install what is missing, then start the hoteltv window (ARGS go to it,
                                   e.g. --home D:\data); it runs on its own: this window may be closed
  .\run.ps1 test [PYTEST ARGS...]  install the test tools, then run ruff, ruff format --check, mypy, pytest

If scripts are blocked on this machine: powershell -ExecutionPolicy Bypass -File .\run.ps1 [...]
Environment:
  HOTELTV_VENV     the virtual environment (default %LOCALAPPDATA%\Programs\hoteltv\venv: outside the
                   project folder, whose path may be long or synced by OneDrive; PySide6's file names are
                   long and Windows' 260-character path limit would break its install)
  HOTELTV_PYTHON   the Python to build it with (default: py -3, then py -3.13/-3.12/-3.11, then python.exe
                   on PATH; a Microsoft Store Python or a 32-bit one is refused)
  HOTELTV_CONSOLE  set to 1 to run the window with python.exe in this console (to see its output)
The program's log is <data folder>\logs\hoteltv-gui.log.

This file is plain ASCII (valid UTF-8): Windows PowerShell 5.1 reads a script without a byte-order mark
in the ANSI code page, so any non-ASCII text added here needs the file saved as UTF-8 with BOM.
#>
$ErrorActionPreference = 'Stop'
# Text to and from Python in UTF-8: a Chinese path in a message or the install stamp survives.
$Utf8 = New-Object System.Text.UTF8Encoding $false
try { [Console]::OutputEncoding = $Utf8 } catch { }  # a host without a console (the ISE) refuses it
$OutputEncoding = $Utf8
$env:PYTHONIOENCODING = 'utf-8'

$CallerDir = (Get-Location).Path
$Root = $PSScriptRoot
$DefaultVenv = Join-Path $env:LOCALAPPDATA 'Programs\hoteltv\venv'
$Venv = if ($env:HOTELTV_VENV) { [IO.Path]::GetFullPath([IO.Path]::Combine($CallerDir, $env:HOTELTV_VENV)) } else { $DefaultVenv }
$VPy = Join-Path $Venv 'Scripts\python.exe'
$VPyw = Join-Path $Venv 'Scripts\pythonw.exe'
$Stamp = Join-Path $Venv '.hoteltv-installed'

function Say([string]$Message) { [Console]::Error.WriteLine("hoteltv: $Message") }
function Fail([string]$Message) { Say "error: $Message"; exit 1 }

# Runs a native command quietly and returns its exit code (Windows PowerShell 5.1 turns a native
# command's stderr into errors under 'Stop', hence the local 'Continue').
function Get-NativeExit([string]$Exe, [string[]]$Arguments) {
    $ErrorActionPreference = 'Continue'
    try { & $Exe @Arguments *> $null } catch { return 127 }
    return $LASTEXITCODE
}

# What a Python must be for hoteltv. Exit 0: fine; 3: Microsoft Store Python (its writes to %LOCALAPPDATA%
# land in a hidden package folder that uninstalling Python deletes, data included); 4: 32-bit (PySide6 has
# no 32-bit Windows build); 5: older than 3.11; 1: it cannot even run the check (no venv/ensurepip).
# One line, single quotes only: Windows PowerShell 5.1 drops the double quotes inside a native argument.
$PythonCheck = "import struct, sys, venv, ensurepip; w = ' '.join((sys.prefix, sys.base_prefix, sys.executable)); " +
    "sys.exit(3 if 'WindowsApps' in w or 'PythonSoftwareFoundation.Python' in w else 4 if struct.calcsize('P') != 8 " +
    "else 5 if sys.version_info < (3, 11) else 0)"

$Refusals = @{
    3 = 'is the Microsoft Store Python: its files in %LOCALAPPDATA% are redirected into its own package folder (backups miss them, uninstalling Python deletes them)'
    4 = 'is a 32-bit Python (PySide6, the window toolkit, needs 64-bit)'
    5 = 'is older than Python 3.11'
    1 = 'cannot run (or lacks the venv and ensurepip modules)'
}
$script:Refused = @()

function Test-Python([string]$Exe, [string[]]$Pre) {
    $code = Get-NativeExit $Exe (@($Pre) + @('-c', $PythonCheck))
    if ($code -eq 0) { return $true }
    if ($Refusals.ContainsKey($code)) { $script:Refused += "$(($Exe, $Pre) -join ' ') $($Refusals[$code])" }
    return $false
}

function Find-Python {
    if ($env:HOTELTV_PYTHON) {
        if (Test-Python $env:HOTELTV_PYTHON @()) { return , @($env:HOTELTV_PYTHON) }
        Fail "HOTELTV_PYTHON=$env:HOTELTV_PYTHON cannot be used: $($script:Refused -join '; ')"
    }
    if (Get-Command py -ErrorAction SilentlyContinue) {
        foreach ($v in '-3', '-3.13', '-3.12', '-3.11') {
            if (Test-Python 'py' @($v)) { return , @('py', $v) }
        }
    }
    foreach ($name in 'python', 'python3') {
        $cmd = Get-Command $name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $cmd) { continue }
        if ($cmd.Source -like '*\WindowsApps\*') {
            # The Store's python.exe, or the alias that only opens the Store.
            $script:Refused += "$($cmd.Source) $($Refusals[3])"
            continue
        }
        if (Test-Python $cmd.Source @()) { return , @($cmd.Source) }
    }
    $why = if ($script:Refused.Count -gt 0) { ' (found but refused: ' + ($script:Refused -join '; ') + ')' } else { '' }
    Fail ("hoteltv needs a 64-bit Python 3.11 or newer from python.org$why. Install it from " +
        'https://www.python.org/downloads/windows/ ("Windows installer (64-bit)", tick "Add python.exe to PATH") ' +
        'or with "winget install -e --id Python.Python.3.12", then run this again')
}

function Initialize-Venv {
    if ((Test-Path $VPy) -and (Test-Python $VPy @())) { return }
    if (Test-Path $Venv) {
        if (-not (Test-Path (Join-Path $Venv 'pyvenv.cfg'))) { Fail "$Venv exists and is not a virtual environment; move it or set HOTELTV_VENV" }
        Say "the virtual environment in $Venv is broken or unsuitable; making it again..."
        Remove-Item -Recurse -Force $Venv
    }
    $py = Find-Python
    Say "creating the virtual environment in $Venv..."
    $parent = Split-Path -Parent $Venv
    if (-not (Test-Path $parent)) { New-Item -ItemType Directory -Path $parent | Out-Null }
    $pre = @($py | Select-Object -Skip 1)
    & $py[0] @pre -m venv $Venv
    if ($LASTEXITCODE -ne 0) { Fail "python -m venv $Venv failed" }
}

function Get-StampText([string]$Extras) {
    $hash = (Get-FileHash -Algorithm SHA256 -LiteralPath (Join-Path $Root 'setup.cfg')).Hash.ToLower()
    return "setup.cfg sha256 $hash`nextras $Extras`nproject $Root"
}

function Read-Stamp {
    if (-not (Test-Path -LiteralPath $Stamp)) { return '' }
    return ([IO.File]::ReadAllText($Stamp, $Utf8)).Trim()
}

function Install-Packages([string]$Extras) {
    $want = Get-StampText $Extras
    $have = Read-Stamp
    # The dev install is a superset of the plain one.
    if ($have -eq $want -or ($Extras -eq '' -and $have -eq (Get-StampText 'dev'))) { return }
    $target = if ($Extras) { ".[$Extras]" } else { '.' }
    Say "installing Python packages $target (the first time downloads Qt: a few minutes)..."
    Push-Location $Root
    try {
        & $VPy -m pip install --disable-pip-version-check -q -e $target
        $pipExit = $LASTEXITCODE
        # Offline at a hotel after an update: the program may still start with what is installed.
        $usable = $Extras -eq '' -and $have -and (Get-NativeExit $VPy @('-c', 'import ui.app')) -eq 0
    } finally { Pop-Location }
    if ($pipExit -ne 0) {
        if ($usable) {
            Say 'pip install failed (no network?); starting with the packages installed earlier'
            return
        }
        Fail 'pip install failed (see above); run this again once it is fixed (a network connection is needed the first time)'
    }
    [IO.File]::WriteAllText($Stamp, $want, $Utf8)
}

function Invoke-Tests([string[]]$PytestArgs) {
    if (-not $env:QT_QPA_PLATFORM) { $env:QT_QPA_PLATFORM = 'offscreen' }
    $failed = @()
    Push-Location $Root
    try {
        Say 'ruff check'
        & $VPy -m ruff check .
        if ($LASTEXITCODE -ne 0) { $failed += 'ruff check' }
        Say 'ruff format --check'
        & $VPy -m ruff format --check .
        if ($LASTEXITCODE -ne 0) { $failed += 'ruff format' }
        Say 'mypy'
        & $VPy -m mypy
        if ($LASTEXITCODE -ne 0) { $failed += 'mypy' }
        Say 'pytest'
        # Split over the CPUs (pytest-xdist, at most 4 workers); "-n 0" among the arguments runs in one process.
        & $VPy -m pytest -n logical '--maxprocesses=4' @PytestArgs
        if ($LASTEXITCODE -eq 5) { $failed += 'pytest (no tests collected)' }
        elseif ($LASTEXITCODE -ne 0) { $failed += "pytest (exit $LASTEXITCODE)" }
    } finally { Pop-Location }
    if ($failed.Count -gt 0) { Say ('FAILED: ' + ($failed -join '; ')); exit 1 }
    Say 'all checks passed'
}

# One command-line argument as CreateProcess reads it back (Start-Process joins its list with spaces).
function ConvertTo-Argument([string]$Value) {
    if ($Value -ne '' -and $Value -notmatch '[\s"]') { return $Value }
    $escaped = $Value -replace '(\\*)"', '$1$1\"' -replace '(\\+)$', '$1$1'
    return '"' + $escaped + '"'
}

Initialize-Venv
if ($args.Count -gt 0 -and $args[0] -eq 'test') {
    Install-Packages 'dev'
    Invoke-Tests @($args | Select-Object -Skip 1)
    exit 0
}
Install-Packages ''
$Main = Join-Path $Root 'main.py'
if ($env:HOTELTV_CONSOLE -or -not (Test-Path $VPyw)) {
    & $VPy $Main @args
    exit $LASTEXITCODE
}
# pythonw: no console of its own, so closing this PowerShell window leaves the program running.
$argList = (@($Main) + @($args)) | ForEach-Object { ConvertTo-Argument ([string]$_) }
Start-Process -FilePath $VPyw -ArgumentList $argList -WorkingDirectory $Root
Say 'started; this window may be closed (the log is in the data folder, logs\hoteltv-gui.log)'
exit 0
