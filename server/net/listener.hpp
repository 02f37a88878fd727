#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "server/net/strand.hpp"

namespace emu::server::net {

// What a listener needs of a connection it serves: a way to end it when the server stops.
class session {
  public:
    virtual ~session() = default;
    // Begins serving the connection.
    virtual void start() = 0;
    // Runs on the session's strand: an idle connection closes now, a busy one after its answer is written.
    virtual void shutdown() = 0;
};

// The sessions one listener has open. Each session holds it and calls forget() from its destructor, so it
// lives as long as the last of them, even one the io_context destroys after the listener is gone.
class session_registry {
  public:
    // Drops the entries of sessions that have ended.
    void forget();

  private:
    friend class listener;
    std::mutex mutex_;  // guards sessions_ and stopping_
    std::set<std::weak_ptr<session>, std::owner_less<std::weak_ptr<session>>> sessions_;
    bool stopping_ = false;  // once set, newly accepted connections are closed instead of served
};

// One bound port: accepts connections, each on its own strand, serves up to `max_connections` at once and
// hands the others to `refuse`; on stop(), closes the port and shuts every open session down. The session
// type is the caller's (HTTP, Kafka), so every protocol shares the limit and the drain. Made with
// std::make_shared: its pending operations hold it, so it may be dropped right after stop() (an instance's
// Kafka listener goes with the instance).
class listener : public std::enable_shared_from_this<listener> {
  public:
    // Makes a session for an accepted socket; the listener starts it and keeps a weak reference to it.
    using session_factory = std::function<std::shared_ptr<session>(strand_socket&&)>;
    // Answers a connection over the limit, then closes it.
    using refusal_fn = std::function<void(strand_socket&&)>;

    listener(boost::asio::io_context& ioc, std::string host, std::uint16_t port, unsigned max_connections,
             session_factory make_session, refusal_fn refuse);
    listener(const listener&) = delete;
    listener& operator=(const listener&) = delete;

    // Binds and listens; returns the port (useful with port 0).
    std::uint16_t listen();
    // Starts accepting; returns at once (the io_context's threads do the work).
    void start();
    // Stops accepting and shuts every open session down. Sessions end on their own strands.
    void stop();

    // What each session of this listener holds, to leave it when it ends.
    const std::shared_ptr<session_registry>& registry() const { return registry_; }

  private:
    void do_accept();

    boost::asio::io_context& ioc_;
    std::string host_;
    std::uint16_t port_;
    unsigned max_connections_;
    session_factory make_session_;
    refusal_fn refuse_;

    std::shared_ptr<session_registry> registry_ = std::make_shared<session_registry>();

    tcp::acceptor acceptor_;
    boost::asio::steady_timer accept_retry_;  // on the acceptor's strand
};

}  // namespace emu::server::net
