#include "core/html.hpp"

#include <gtest/gtest.h>

namespace seatwise::core {
namespace {

TEST(EscapeHtmlTest, ReplacesTheCharactersThatOpenMarkupOrEndAnAttribute) {
  EXPECT_EQ(EscapeHtml(R"(<a href="x">Tom & 'Jerry'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
}

TEST(EscapeHtmlTest, LeavesOtherTextIncludingUtf8AsItIs) {
  EXPECT_EQ(EscapeHtml("Zoë Müller — 100%"), "Zoë Müller — 100%");
  EXPECT_EQ(EscapeHtml(""), "");
}

}  // namespace
}  // namespace seatwise::core
