// The JSON bodies of every DMS for Kafka route that takes one. The first byte picks the route, the rest is
// the body; each input runs against a freshly seeded state through the pipeline, the only catch site.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_support.hpp"

namespace {

struct body_route {
    const char* method;
    std::string target;
};

std::array<body_route, 13> routes_with_bodies() {
    const std::string project(emu::fuzz::project_id);
    const std::string instance(emu::fuzz::instance_id);
    const std::string topic(emu::fuzz::topic);
    const std::string group(emu::fuzz::group);
    const std::string v2 = "/v2/" + project;
    const std::string in = v2 + "/instances/" + instance;
    const std::string engine_group = "/v2/kafka/" + project + "/instances/" + instance + "/groups/" + group;
    const std::string topic_messages = v2 + "/kafka/instances/" + instance + "/topics/" + topic + "/messages";
    return {{
        {"POST", v2 + "/kafka/instances"},
        {"POST", "/v2/kafka/" + project + "/instances"},
        {"POST", in + "/topics"},
        {"PUT", in + "/topics"},
        {"POST", in + "/topics/delete"},
        {"POST", in + "/messages/action?action_id=send"},
        {"POST", topic_messages + "/delete"},
        {"DELETE", topic_messages},
        {"POST", v2 + "/kafka/instances/" + instance + "/group"},
        {"PUT", engine_group},
        {"POST", in + "/groups/batch-delete"},
        {"POST", in + "/management/groups/" + group + "/reset-message-offset"},
        {"PUT", engine_group + "/reset-message-offset"},
    }};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto routes = routes_with_bodies();
    if (size == 0) return 0;
    const auto& chosen = routes[data[0] % routes.size()];
    auto st = emu::fuzz::seeded_state();
    auto ctx = emu::fuzz::make_request(chosen.method, chosen.target,
                                       std::string(emu::fuzz::as_text(data + 1, size - 1)));
    emu::fuzz::check_answer(emu::fuzz::default_pipeline().handle(ctx, *st), chosen.target);
    return 0;
}
