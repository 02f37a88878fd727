#pragma once

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <chrono>

namespace emu::server::net {

// A connection's I/O objects name their strand's type: with the type-erased any_io_executor, every
// operation paid for copying, moving and destroying an erased executor.
using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;
using tcp = boost::asio::ip::tcp;
using strand_socket = tcp::socket::rebind_executor<strand_type>::other;
using strand_stream = boost::beast::basic_stream<tcp, strand_type>;
using strand_timer =
    boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                      boost::asio::wait_traits<std::chrono::steady_clock>, strand_type>;

}  // namespace emu::server::net
