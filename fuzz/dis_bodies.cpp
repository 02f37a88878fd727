// DIS requests: the JSON bodies of every DIS route that takes one, and the query strings of those that
// read their arguments from the query. The first byte picks the route; the rest is the body or the query.
// Each input runs against a freshly seeded state through the pipeline, the only catch site.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_support.hpp"

namespace {

enum class input_goes_to { body, query };

struct dis_route {
    const char* method;
    std::string path;
    input_goes_to input;
};

std::array<dis_route, 17> dis_routes() {
    const std::string v2 = "/v2/" + std::string(emu::fuzz::project_id);
    const std::string stream(emu::fuzz::stream);
    const std::string app(emu::fuzz::app);
    constexpr auto body = input_goes_to::body;
    constexpr auto query = input_goes_to::query;
    return {{
        {"POST", v2 + "/streams", body},
        {"PUT", v2 + "/streams/" + stream, body},
        {"POST", v2 + "/records", body},
        {"POST", v2 + "/apps", body},
        {"POST", v2 + "/checkpoints", body},
        {"GET", v2 + "/streams", query},
        {"GET", v2 + "/streams/" + stream, query},
        {"GET", v2 + "/cursors", query},
        {"GET", v2 + "/records", query},
        {"GET", v2 + "/apps", query},
        {"GET", v2 + "/apps/" + app + "/streams/" + stream, query},
        {"GET", v2 + "/checkpoints", query},
        {"DELETE", v2 + "/checkpoints", query},
        {"DELETE", v2 + "/streams/" + stream, query},
        // Appended, so the first byte of the older corpus entries still picks their route.
        {"POST", v2 + "/apps/" + app + "/consumers", body},
        {"POST", v2 + "/apps/" + app + "/consumers/consumer-1/heartbeats", body},
        {"POST", v2 + "/apps/" + app + "/consumers/consumer-1/partitions", body},
    }};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto routes = dis_routes();
    if (size == 0) return 0;
    const auto& chosen = routes[data[0] % routes.size()];
    const std::string input(emu::fuzz::as_text(data + 1, size - 1));
    auto st = emu::fuzz::seeded_state();
    auto ctx = chosen.input == input_goes_to::body
                   ? emu::fuzz::make_request(chosen.method, chosen.path, input)
                   : emu::fuzz::make_request(chosen.method, chosen.path + "?" + input, {});
    emu::fuzz::check_answer(emu::fuzz::default_pipeline().handle(ctx, *st), chosen.path);
    return 0;
}
