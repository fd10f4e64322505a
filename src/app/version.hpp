#pragma once

#include <string_view>

namespace seatwise::app {

// The release of this binary; a test keeps it equal to project(VERSION) in CMakeLists.txt.
inline constexpr std::string_view kVersion = "0.1.0";

}  // namespace seatwise::app
