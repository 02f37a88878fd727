#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace emu::test {

// One TCP connection to a Kafka listener that sends exactly the bytes a test gives it, for what a Kafka
// client would never send (lying sizes, unknown keys, pipelined frames). Every wait is bounded.
class kafka_connection {
  public:
    explicit kafka_connection(std::uint16_t port);

    // Sends `body` (a request header and body) with its size prefix; false once the server has closed.
    bool send_request(std::string_view body);
    // Sends bytes as they are.
    bool send_raw(std::string_view bytes);
    // The next response frame without its size prefix; none when the connection closed (or nothing came).
    std::optional<std::string> read_response(std::chrono::milliseconds wait = std::chrono::seconds(10));
    // True when the server closes the connection within `wait`; anything it sends first is discarded.
    bool closed_by_server(std::chrono::milliseconds wait = std::chrono::seconds(10));

  private:
    bool read_exactly(std::string& out, std::size_t n, std::chrono::steady_clock::time_point deadline);

    boost::asio::io_context ioc_;
    boost::beast::tcp_stream stream_;
};

// A request header v1 (or v2 when `flexible`) with client id "emu-test", followed by nothing: append the
// body.
std::string kafka_request_header(std::int16_t api_key, std::int16_t version, std::int32_t correlation_id,
                                 bool flexible = false);

// True when a TCP connection to 127.0.0.1:port is accepted.
bool port_accepts(std::uint16_t port);

}  // namespace emu::test
