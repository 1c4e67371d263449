"""Settings: safe development defaults, and a production configuration that passes `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys


def _incasso(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incasso.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def _base_env(tmp_path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("INCASSO_") and k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env["INCASSO_VAR_DIR"] = str(tmp_path)
    return env


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = _base_env(tmp_path) | {
        "INCASSO_DEBUG": "false",
        "INCASSO_SECRET_KEY": "x9#k2" * 12,
        "INCASSO_ALLOWED_HOSTS": "incasso.example.nl",
        "INCASSO_CSRF_TRUSTED_ORIGINS": "https://incasso.example.nl",
    }
    result = _incasso("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_defaults_fail_the_deploy_check(tmp_path):
    result = _incasso("check", "--deploy", "--fail-level", "WARNING", env=_base_env(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr or "DEBUG" in result.stderr


def test_a_nonsense_boolean_setting_fails_loudly(tmp_path):
    result = _incasso("check", env=_base_env(tmp_path) | {"INCASSO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "INCASSO_DEBUG must be a boolean" in result.stderr


def test_the_command_line_fronts_django_management_commands(tmp_path):
    result = _incasso("help", env=_base_env(tmp_path))
    assert result.returncode == 0
    for command in ("migrate", "runserver", "createsuperuser"):
        assert command in result.stdout


def test_a_portal_address_over_plain_http_fails_the_deploy_check(tmp_path):
    env = _base_env(tmp_path) | {
        "INCASSO_DEBUG": "false",
        "INCASSO_SECRET_KEY": "x9#k2" * 12,
        "INCASSO_ALLOWED_HOSTS": "incasso.example.nl",
        "INCASSO_CSRF_TRUSTED_ORIGINS": "https://incasso.example.nl",
    }
    plain = _incasso(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=env | {"INCASSO_PORTAL_URL": "http://incasso.example.nl/portaal/"},
    )
    assert plain.returncode != 0 and "incasso.portal.W001" in plain.stderr + plain.stdout
    secure = _incasso(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=env | {"INCASSO_PORTAL_URL": "https://incasso.example.nl/portaal/"},
    )
    assert secure.returncode == 0, secure.stdout + secure.stderr
