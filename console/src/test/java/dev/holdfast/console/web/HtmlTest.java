package dev.holdfast.console.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The one escaping helper: markup, quotes and control characters never come through as themselves. */
class HtmlTest {
    @Test
    void markupAndQuotesBecomeCharacterReferences() {
        assertEquals("&lt;script&gt;alert(1)&lt;/script&gt;", Html.esc("<script>alert(1)</script>"));
        assertEquals("&quot; onmouseover=&quot;x", Html.esc("\" onmouseover=\"x"));
        assertEquals("&#39; onfocus=&#39;x", Html.esc("' onfocus='x"));
        assertEquals("a &amp;amp; b", Html.esc("a &amp; b"));
        assertEquals("]]&gt;&lt;svg onload=x&gt;", Html.esc("]]><svg onload=x>"));
    }

    @Test
    void controlCharactersAreReplacedAndTextKept() {
        assertEquals("a\uFFFDb\tc\nd\uFFFD", Html.esc("a\u001bb\tc\nd\u007f"));
        assertEquals("", Html.esc(null));
        assertEquals("42", Html.esc(42));
        String plain = "gw1 A1 1001 CONNECTED ü";
        assertSame(plain, Html.esc(plain), "nothing to escape: the same string");
    }

    @Test
    void urlPartsAreEncodedThenEscaped() {
        assertEquals("a%20b%26c%3D%3Cd%3E", Html.url("a b&c=<d>"));
        assertEquals("RTP%2F1", Html.url("RTP/1"));
    }
}
