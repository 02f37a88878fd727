#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "tests/support/test_server.hpp"

namespace emu::test {

// One TCP connection to the server that sends exactly the bytes a test gives it, for what an HTTP client
// library would refuse to produce (pipelining, HTTP/1.0, broken chunking, raw targets). Every wait is
// bounded, so a server that never answers fails the test instead of hanging it.
class raw_connection {
  public:
    explicit raw_connection(std::uint16_t port);

    // False once the server has closed the connection (the write failed).
    bool send(std::string_view bytes);
    // The next answer on the connection; none when it closed (or nothing came) before a whole one arrived.
    std::optional<http_reply> read_reply(std::chrono::milliseconds wait = std::chrono::seconds(10));
    // True when the server closes the connection within `wait`; anything it sends first is discarded.
    bool closed_by_server(std::chrono::milliseconds wait = std::chrono::seconds(10));
    void close();

  private:
    // Runs the pending operation for at most `wait`, cancelling it after that.
    void run_for(std::chrono::milliseconds wait);

    boost::asio::io_context ioc_;
    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
};

// The request line and headers of a request every route answers without authentication trouble.
std::string raw_head(std::string_view method, std::string_view target, std::string_view extra_headers = {});

}  // namespace emu::test
