#include "tests/support/kafka_connection.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "kafka/protocol/codec.hpp"

namespace emu::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

kafka_connection::kafka_connection(std::uint16_t port) : stream_(ioc_) {
    stream_.expires_after(std::chrono::seconds(5));
    stream_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream_.expires_never();
}

bool kafka_connection::send_raw(std::string_view bytes) {
    boost::system::error_code ec;
    asio::write(stream_.socket(), asio::buffer(bytes.data(), bytes.size()), ec);
    return !ec;
}

bool kafka_connection::send_request(std::string_view body) {
    std::string frame;
    kafka::protocol::writer(frame).int32(static_cast<std::int32_t>(body.size()));
    frame.append(body);
    return send_raw(frame);
}

bool kafka_connection::read_exactly(std::string& out, std::size_t n,
                                    std::chrono::steady_clock::time_point deadline) {
    out.resize(n);
    std::size_t got = 0;
    bool failed = false;
    while (got < n && !failed) {
        stream_.expires_at(deadline);
        stream_.async_read_some(asio::buffer(out.data() + got, n - got),
                                [&](boost::system::error_code ec, std::size_t bytes) {
                                    got += bytes;
                                    if (ec) failed = true;
                                });
        ioc_.restart();
        ioc_.run();
    }
    stream_.expires_never();
    return got == n;
}

std::optional<std::string> kafka_connection::read_response(std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    std::string size_bytes;
    if (!read_exactly(size_bytes, 4, deadline)) return std::nullopt;
    const auto size = kafka::protocol::reader(size_bytes).int32();
    if (size < 0) return std::nullopt;
    std::string body;
    if (!read_exactly(body, static_cast<std::size_t>(size), deadline)) return std::nullopt;
    return body;
}

bool kafka_connection::closed_by_server(std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    std::string sink;
    while (std::chrono::steady_clock::now() < deadline) {
        bool closed = false;
        bool timed_out = false;
        char buffer[4096];
        stream_.expires_at(deadline);
        stream_.async_read_some(asio::buffer(buffer), [&](boost::system::error_code ec, std::size_t) {
            if (ec == boost::beast::error::timeout) {
                timed_out = true;
            } else if (ec) {
                closed = true;
            }
        });
        ioc_.restart();
        ioc_.run();
        if (closed) return true;
        if (timed_out) return false;
    }
    return false;
}

std::string kafka_request_header(std::int16_t api_key, std::int16_t version, std::int32_t correlation_id,
                                 bool flexible) {
    std::string out;
    kafka::protocol::writer w(out);
    w.int16(api_key);
    w.int16(version);
    w.int32(correlation_id);
    w.string("emu-test");
    w.tagged_fields(flexible);
    return out;
}

bool port_accepts(std::uint16_t port) {
    asio::io_context ioc;
    tcp::socket socket(ioc);
    boost::system::error_code ec;
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    return !ec;
}

}  // namespace emu::test
