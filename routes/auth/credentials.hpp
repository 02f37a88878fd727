#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "routes/auth/authenticate.hpp"

namespace emu::routes::auth {

// A credentials file that cannot be used; what() names the file, the JSON path and the problem.
class credentials_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Reads {"credentials":[{"ak","sk","project_id"?,"security_token"?}],
//        "tokens":[{"token","project_id"?,"expires_at"?}]}
// into `settings` (replacing its keys and tokens). `source` names the document in errors.
void load_credentials_text(std::string_view text, std::string_view source, auth_settings& settings);
void load_credentials_file(const std::string& path, auth_settings& settings);

}  // namespace emu::routes::auth
