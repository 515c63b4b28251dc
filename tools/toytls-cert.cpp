#include <iostream>

#include "tools/cert_tool.hpp"

int main(int argc, char** argv) {
    return toytls::run_cert_tool(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
}
