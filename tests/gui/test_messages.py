"""Every clause of a bilingual core message in the interface language (``ui.messages.localize``)."""

from __future__ import annotations

import pytest

from ui.messages import localize


@pytest.mark.parametrize(
    ("text", "en", "zh"),
    [
        ("酒店名称不能为空 (name is required)", "name is required", "酒店名称不能为空"),
        (
            "中文A (English A); 中文B (English B)",
            "English A; English B",
            "中文A；中文B",
        ),
        (
            "联系电话格式不对 (bad phone)；统一社会信用代码校验位不符 (bad credit code check digit); 地址为空 (no address)",
            "bad phone; bad credit code check digit; no address",
            "联系电话格式不对；统一社会信用代码校验位不符；地址为空",
        ),
        # A clause without English stays as it is; text that is not bilingual comes back unchanged.
        ("中文A (English A); 只有中文", "English A; 只有中文", "中文A；只有中文"),
        ("plain English", "plain English", "plain English"),
        ("只有中文", "只有中文", "只有中文"),
        # Brackets inside the Chinese half (with Chinese in them) are not the English half.
        ("已发送 3 条(冲突 0) (sent 3: 0 conflicts)", "sent 3: 0 conflicts", "已发送 3 条(冲突 0)"),
    ],
)
def test_every_clause_is_localized(text: str, en: str, zh: str) -> None:
    assert localize(text, "en") == en
    assert localize(text, "zh_CN") == zh
