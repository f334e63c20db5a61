<#
hoteltv's two commands on Windows (the same as ./run.sh on Linux):

  .\run.ps1 [ARGS...]              install what is missing, then start hoteltv (ARGS go to the program)
  .\run.ps1 test [PYTEST ARGS...]  install the test tools, then run ruff, ruff format --check, mypy, pytest

If scripts are blocked on this machine: powershell -ExecutionPolicy Bypass -File .\run.ps1 [...]
Environment: HOTELTV_VENV (default .venv here), HOTELTV_PYTHON (default: py -3.13/-3.12/-3.11, python).
#>
$ErrorActionPreference = 'Stop'
$CallerDir = (Get-Location).Path
$Root = $PSScriptRoot
$Venv = if ($env:HOTELTV_VENV) { [IO.Path]::GetFullPath([IO.Path]::Combine($CallerDir, $env:HOTELTV_VENV)) } else { Join-Path $Root '.venv' }
$VPy = Join-Path $Venv 'Scripts\python.exe'
$Stamp = Join-Path $Venv '.hoteltv-installed'

function Say([string]$Message) { [Console]::Error.WriteLine("hoteltv: $Message") }
function Fail([string]$Message) { Say "error: $Message"; exit 1 }

# Runs a native command quietly and tells whether it exited 0 (Windows PowerShell 5.1 turns a native
# command's stderr into errors under 'Stop', hence the local 'Continue').
function Test-Native([string]$Exe, [string[]]$Arguments) {
    $ErrorActionPreference = 'Continue'
    try { & $Exe @Arguments *> $null } catch { return $false }
    return $LASTEXITCODE -eq 0
}

function Find-Python {
    $check = @('-c', 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))')
    if ($env:HOTELTV_PYTHON) {
        if (Test-Native $env:HOTELTV_PYTHON $check) { return , @($env:HOTELTV_PYTHON) }
        Fail "HOTELTV_PYTHON=$env:HOTELTV_PYTHON is not a Python 3.11 or newer with venv"
    }
    if (Get-Command py -ErrorAction SilentlyContinue) {
        foreach ($v in '-3.13', '-3.12', '-3.11') {
            if (Test-Native 'py' (@($v) + $check)) { return , @('py', $v) }
        }
    }
    foreach ($name in 'python3', 'python') {
        if ((Get-Command $name -ErrorAction SilentlyContinue) -and (Test-Native $name $check)) { return , @($name) }
    }
    Fail 'hoteltv needs Python 3.11 or newer: install it from python.org or with "winget install -e --id Python.Python.3.12", then run this again'
}

function Initialize-Venv {
    if ((Test-Path $VPy) -and (Test-Native $VPy @('-c', 'import sys, pip; sys.exit(sys.version_info < (3, 11))'))) { return }
    if (Test-Path $Venv) {
        if (-not (Test-Path (Join-Path $Venv 'pyvenv.cfg'))) { Fail "$Venv exists and is not a virtual environment; move it or set HOTELTV_VENV" }
        Say "the virtual environment in $Venv is broken; making it again..."
        Remove-Item -Recurse -Force $Venv
    }
    $py = Find-Python
    Say "creating the virtual environment in $Venv..."
    $pre = @($py | Select-Object -Skip 1)
    & $py[0] @pre -m venv $Venv
    if ($LASTEXITCODE -ne 0) { Fail "python -m venv $Venv failed" }
}

function Get-StampText([string]$Extras) {
    $hash = (Get-FileHash -Algorithm SHA256 (Join-Path $Root 'setup.cfg')).Hash.ToLower()
    return "setup.cfg sha256 $hash`nextras $Extras`nproject $Root"
}

function Install-Packages([string]$Extras) {
    $want = Get-StampText $Extras
    $have = if (Test-Path $Stamp) { (Get-Content -Raw $Stamp).Trim() } else { '' }
    # The dev install is a superset of the plain one.
    if ($have -eq $want -or ($Extras -eq '' -and $have -eq (Get-StampText 'dev'))) { return }
    if (Test-Path $Stamp) { Remove-Item $Stamp }
    $target = if ($Extras) { ".[$Extras]" } else { '.' }
    Say "installing Python packages $target (the first time downloads Qt: a few minutes)..."
    Push-Location $Root
    try { & $VPy -m pip install --disable-pip-version-check -q -e $target } finally { Pop-Location }
    if ($LASTEXITCODE -ne 0) { Fail 'pip install failed (see above); run this again once it is fixed' }
    Set-Content -Path $Stamp -Value $want -Encoding ASCII
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
        & $VPy -m pytest @PytestArgs
        if ($LASTEXITCODE -eq 5) { $failed += 'pytest (no tests collected)' }
        elseif ($LASTEXITCODE -ne 0) { $failed += "pytest (exit $LASTEXITCODE)" }
    } finally { Pop-Location }
    if ($failed.Count -gt 0) { Say ('FAILED: ' + ($failed -join '; ')); exit 1 }
    Say 'all checks passed'
}

Initialize-Venv
if ($args.Count -gt 0 -and $args[0] -eq 'test') {
    Install-Packages 'dev'
    Invoke-Tests @($args | Select-Object -Skip 1)
    exit 0
}
Install-Packages ''
& $VPy (Join-Path $Root 'main.py') @args
exit $LASTEXITCODE
