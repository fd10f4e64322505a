#pragma once
// Text placed in HTML: the few characters that could open markup or end an attribute.

#include <string>
#include <string_view>

namespace seatwise::core {

// `text` with &, <, >, " and ' replaced by entities; safe in element content and in quoted
// attribute values.
std::string EscapeHtml(std::string_view text);

}  // namespace seatwise::core
