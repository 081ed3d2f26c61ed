"""Production settings pass Django's deployment checks, and every page carries the security
headers, including a Content-Security-Policy that allows no inline script."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import AgencyFactory

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_is_clean_with_production_settings(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    env |= {
        "DJANGO_ENV": "production",
        "ALLOWED_HOSTS": "interlocal.example.gov",
        "SECRET_KEY": "x" * 20 + "production-secret-for-the-check-only-0123456789",
        "INTERLOCAL_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_ENV")}
    env |= {"DJANGO_ENV": "production", "INTERLOCAL_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/agencies/", "/register/", "/accounts/login/"])
def test_security_headers_and_no_inline_script(client, url) -> None:
    AgencyFactory()
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    html = response.content.decode()
    # Every <script> loads a file: no inline code for the CSP to block.
    for tag in re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S):
        assert tag.strip() == ""
    assert "cdn" not in html.lower()


def test_the_suite_cannot_reach_the_internet() -> None:
    import socket

    with socket.socket() as sock, pytest.raises(OSError, match="must work offline"):
        sock.connect(("93.184.216.34", 80))


@pytest.mark.django_db
def test_a_superuser_must_enrol_totp_too(client) -> None:
    from interlocal.accounts.models import User

    root = User.objects.create_superuser(email="root@example.gov", password="x")
    client.force_login(root)
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]


@pytest.mark.django_db
def test_the_back_office_signs_in_through_the_one_sign_in_page(client) -> None:
    response = client.get("/admin/login/?next=/admin/registry/agency/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/admin/registry/agency/")


def test_development_mail_files_keep_links_whole(tmp_path) -> None:
    from django.core.mail import EmailMessage

    from interlocal.core.mail import ReadableFileBackend

    link = "http://127.0.0.1:8000/register/confirm/" + "x" * 120 + "/"
    backend = ReadableFileBackend(file_path=str(tmp_path))
    backend.send_messages(
        [EmailMessage("Confirm", f"Open:\n\n    {link}\n", "a@b.gov", ["c@d.gov"])]
    )
    (written,) = tmp_path.iterdir()
    assert link in written.read_text()
