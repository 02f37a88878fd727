#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

// librdkafka (Debian's librdkafka-dev) as the tests use it: handles that free themselves, configured
// from name/value pairs, failing the test on a setting librdkafka refuses.
namespace emu::test::rdkafka {

struct handle_deleter {
    void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using handle = std::unique_ptr<rd_kafka_t, handle_deleter>;

using settings = std::vector<std::pair<std::string, std::string>>;

// A producer or consumer on `bootstrap` (host:port); extra settings after the defaults. Null on failure,
// with the reason in `error`.
handle make(rd_kafka_type_t type, const std::string& bootstrap, const settings& extra, std::string& error);

}  // namespace emu::test::rdkafka
