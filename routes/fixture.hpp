#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "state/state.hpp"

namespace emu::routes {

// A fixture that cannot be loaded; what() names the file, the JSON path and the problem.
class fixture_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Seeds `st` from a fixture document (format in the README). Entries are validated by the same parsers
// as the API requests that would create them. `source` names the document in errors.
void load_fixture_text(std::string_view text, std::string_view source, state::state& st);
void load_fixture_file(const std::string& path, state::state& st);

}  // namespace emu::routes
