#include "routes/dis/unmodelled.hpp"

#include <string>
#include <string_view>

#include "routes/http/api_error.hpp"
#include "routes/http/router.hpp"
#include "routes/http/validation.hpp"

namespace emu::routes::dis {

namespace {

[[noreturn]] void refuse(const request_context& ctx, std::string_view why) {
    require_dis_project(ctx);
    const std::string operation = ctx.matched != nullptr ? ctx.matched->operation : std::string("this call");
    throw dis_invalid_request(operation + " is not emulated: " + std::string(why));
}

}  // namespace

response file_state_not_emulated(const request_context& ctx, state::state&) {
    refuse(ctx, "the emulator receives no file uploads");
}

}  // namespace emu::routes::dis
