#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <optional>
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

struct message {
    std::int32_t partition = 0;
    std::int64_t offset = -1;
    std::optional<std::string> key;
    std::optional<std::string> value;
    std::int64_t timestamp = -1;
    std::vector<std::pair<std::string, std::string>> headers;
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

// A producer whose delivery reports are collected: produce() queues, flush() waits for every report and
// returns them in the order they came.
class producer {
  public:
    producer(const std::string& bootstrap, const settings& extra = {});
    bool ok() const { return handle_ != nullptr; }
    const std::string& error() const { return error_; }
    rd_kafka_t* get() const { return handle_.get(); }

    rd_kafka_resp_err_t produce(const std::string& topic, std::int32_t partition,
                                const std::optional<std::string>& key, const std::string& value,
                                const std::vector<std::pair<std::string, std::string>>& headers = {});
    std::vector<message> flush(int timeout_ms = 10000);

  private:
    static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque);
    std::string error_;
    std::vector<message> reports_;
    handle handle_;
};

// Flushes `p` and checks, as test failures, that exactly `count` reports came and every one without error.
void expect_delivered(producer& p, std::size_t count);

// A consumer without a group, assigned to one partition from `offset` (an offset or RD_KAFKA_OFFSET_*):
// polls until `count` messages came or `timeout_ms` passed; errors polled are returned as messages with
// `error` set (and end the poll).
std::vector<message> consume(const std::string& bootstrap, const std::string& topic, std::int32_t partition,
                             std::int64_t offset, std::size_t count, const settings& extra = {},
                             int timeout_ms = 10000);

}  // namespace emu::test::rdkafka
