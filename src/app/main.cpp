// seatwise: the server, its migrations and its admin commands in one binary.

#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "app/cli.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  seatwise::app::Environment environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text(*entry);
    auto eq = text.find('=');
    if (eq != std::string::npos) environment.emplace(text.substr(0, eq), text.substr(eq + 1));
  }
  return seatwise::app::RunCli(args, environment, std::cin, isatty(STDIN_FILENO) == 1, std::cout,
                               std::cerr);
}
