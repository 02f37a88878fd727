// The fixture loader: any document either loads or is refused with a fixture_error; nothing else may
// escape. A document that loads must leave a state the API can list.
#include "routes/control/fixture.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    emu::state::state st([] { return std::int64_t{1'700'000'100'000}; });
    try {
        emu::routes::control::load_fixture_text(emu::fuzz::as_text(data, size), "fuzz.json", st);
    } catch (const emu::routes::control::fixture_error&) {
        return 0;
    }
    const std::string v2 = "/v2/" + std::string(emu::fuzz::project_id);
    for (const auto* target : {"/instances", "/streams", "/apps"}) {
        auto ctx = emu::fuzz::make_request("GET", v2 + target, {});
        emu::fuzz::check_answer(emu::fuzz::default_pipeline().handle(ctx, st), target);
    }
    return 0;
}
