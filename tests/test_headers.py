from __future__ import annotations


def test_pages_carry_a_strict_content_security_policy(as_alice, plan):
    response = as_alice.get(plan.get_absolute_url())
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    assert " onclick=" not in html and " style=" not in html


def test_security_headers(as_alice, plan):
    response = as_alice.get(plan.get_absolute_url())
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
