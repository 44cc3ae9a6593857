#include "base/terminal_text.hpp"

#include <gtest/gtest.h>

using ikelab::base::visible_text;

TEST(VisibleText, PrintableTextTabsAndUtf8StayAsTheyAre) {
  EXPECT_EQ(visible_text("site1 <-> 192.0.2.2, IKEv2"), "site1 <-> 192.0.2.2, IKEv2");
  EXPECT_EQ(visible_text("a\tb"), "a\tb");
  EXPECT_EQ(visible_text("Z\xc3\xbcrich \xe2\x9c\x93 \xf0\x9f\x94\x92"), "Z\xc3\xbcrich \xe2\x9c\x93 \xf0\x9f\x94\x92");
}

TEST(VisibleText, C0ControlsAndDelAreShownAsEscapes) {
  EXPECT_EQ(visible_text("site\x1b[2Jone"), "site\\x1b[2Jone");
  EXPECT_EQ(visible_text("a\rb\x07" "c\x7f"), "a\\x0db\\x07c\\x7f");
  EXPECT_EQ(visible_text(std::string("nul\0here", 8)), "nul\\x00here");
  EXPECT_EQ(visible_text("one\ntwo"), "one\\x0atwo");
  EXPECT_EQ(visible_text("one\ntwo\x1b]0;t\x07", true), "one\ntwo\\x1b]0;t\\x07");
}

TEST(VisibleText, C1ControlsAndBytesThatAreNoUtf8AreShownAsEscapes) {
  EXPECT_EQ(visible_text("a\xc2\x9b" "31mb"), "a\\xc2\\x9b31mb");  // U+009B, CSI
  EXPECT_EQ(visible_text("a\x9b" "31mb"), "a\\x9b31mb");           // a raw 8-bit CSI
  EXPECT_EQ(visible_text("\xc3"), "\\xc3");                        // cut sequence
  EXPECT_EQ(visible_text("\xc0\xaf"), "\\xc0\\xaf");               // overlong '/'
  EXPECT_EQ(visible_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");      // a surrogate
  EXPECT_EQ(visible_text("\xc2\xa0"), "\xc2\xa0");                 // U+00A0 is no control
}
