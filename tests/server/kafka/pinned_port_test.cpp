// A fixture may pin its instance's Kafka port (broker n on port + n): ShowInstance and the export report
// it; a pinned port that cannot be bound stops startup, or refuses PUT /_emulator/state and changes
// nothing.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/app.hpp"
#include "tests/support/dms_client.hpp"
#include "tests/support/kafka_connection.hpp"
#include "tests/support/test_server.hpp"

namespace emu::test {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

const std::string pinned_id = "0b6d1c4e-2f3a-4c5b-8d7e-9f0a1b2c3d4e";

// A port with `count` free ports from it, found by binding: the kernel's ephemeral choice, checked.
std::uint16_t free_ports(unsigned count) {
    asio::io_context ioc;
    for (int attempt = 0; attempt < 50; ++attempt) {
        tcp::acceptor first(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        const auto port = first.local_endpoint().port();
        if (port + count > 65535) continue;
        bool all_free = true;
        for (unsigned i = 1; i < count && all_free; ++i) {
            try {
                tcp::acceptor next(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                                      static_cast<std::uint16_t>(port + i)));
            } catch (const std::exception&) {
                all_free = false;
            }
        }
        if (all_free) return port;
    }
    ADD_FAILURE() << "no run of free ports";
    return 0;
}

std::string pinned_fixture(std::uint16_t port) {
    return R"({"projects":[{"project_id":")" + project_id + R"(","kafka":{"instances":[{"instance_id":")" +
           pinned_id + R"(","name":"pinned","port":)" + std::to_string(port) + R"(}]}}]})";
}

std::string write_file(const std::string& text) {
    const std::string path = "/tmp/emu-pinned-" + std::to_string(::getpid()) + ".json";
    std::ofstream(path) << text;
    return path;
}

TEST(KafkaPinnedPort, AFixtureInstanceListensOnItsPinnedPortsAndReportsThem) {
    const auto port = free_ports(3);
    const auto file = write_file(pinned_fixture(port));
    test_server server([&](server::config& c) { c.fixture = file; });
    std::remove(file.c_str());
    const auto shown = server.request("GET", instance_path(pinned_id));
    ASSERT_EQ(shown.status, 200u) << shown.body;
    const auto doc = shown.json();
    EXPECT_EQ(doc["port"].GetInt(), port);
    const std::string h = "127.0.0.1:";
    EXPECT_EQ(
        std::string(doc["kafka_private_connect_address"].GetString()),
        h + std::to_string(port) + "," + h + std::to_string(port + 1) + "," + h + std::to_string(port + 2));
    for (unsigned i = 0; i < 3; ++i) EXPECT_TRUE(port_accepts(static_cast<std::uint16_t>(port + i)));
    // The export keeps the pin, so that the document loads the same way again.
    const auto exported = server.request("GET", "/_emulator/state").body;
    EXPECT_NE(exported.find(R"("port":)" + std::to_string(port)), std::string::npos) << exported;
}

TEST(KafkaPinnedPort, APinnedPortThatIsTakenStopsStartup) {
    const auto port = free_ports(3);
    asio::io_context ioc;
    tcp::acceptor holder(
        ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(port + 1)));
    const auto file = write_file(pinned_fixture(port));
    server::config settings;
    settings.host = "127.0.0.1";
    settings.port = 0;
    settings.fixture = file;
    server::app app(settings);
    std::remove(file.c_str());
    try {
        app.listen();
        ADD_FAILURE() << "started with a pinned port taken";
    } catch (const server::startup_error& e) {
        EXPECT_EQ(e.exit_code(), 1);
        const std::string what = e.what();
        EXPECT_NE(what.find("instance " + pinned_id), std::string::npos) << what;
        EXPECT_NE(what.find("pinned Kafka port " + std::to_string(port + 1)), std::string::npos) << what;
    }
}

TEST(KafkaPinnedPort, APutStatePinningATakenPortIsRefusedAndChangesNothing) {
    test_server server;
    const std::string existing = create_instance(server);
    const auto before = server.request("GET", "/_emulator/state").body;

    const auto port = free_ports(3);
    asio::io_context ioc;
    tcp::acceptor holder(
        ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(port + 2)));
    const auto refused = server.request("PUT", "/_emulator/state", pinned_fixture(port));
    EXPECT_EQ(refused.status, 400u) << refused.body;
    EXPECT_NE(refused.body.find("pinned Kafka port " + std::to_string(port + 2)), std::string::npos)
        << refused.body;
    // The two brokers that had bound give their ports back.
    for (int i = 0; i < 200 && (port_accepts(port) || port_accepts(static_cast<std::uint16_t>(port + 1)));
         ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_FALSE(port_accepts(port));
    EXPECT_FALSE(port_accepts(static_cast<std::uint16_t>(port + 1)));
    EXPECT_EQ(server.request("GET", "/_emulator/state").body, before);
    EXPECT_EQ(server.request("GET", instance_path(pinned_id)).status, 404u);
    // The instance that stayed listens again.
    const auto shown = server.request("GET", instance_path(existing));
    ASSERT_EQ(shown.status, 200u);
    EXPECT_TRUE(port_accepts(static_cast<std::uint16_t>(shown.json()["port"].GetInt())));

    // Once the port is free, the same document loads.
    holder.close();
    const auto loaded = server.request("PUT", "/_emulator/state", pinned_fixture(port));
    EXPECT_EQ(loaded.status, 200u) << loaded.body;
    EXPECT_EQ(server.request("GET", instance_path(pinned_id)).json()["port"].GetInt(), port);
}

TEST(KafkaPinnedPort, APortThatLeavesNoRoomForEveryBrokerIsRefused) {
    test_server server;
    const auto refused =
        server.request("PUT", "/_emulator/state",
                       R"({"projects":[{"project_id":")" + project_id +
                           R"(","kafka":{"instances":[{"name":"pinned-high","port":65534}]}}]})");
    EXPECT_EQ(refused.status, 400u) << refused.body;
    EXPECT_NE(refused.body.find("port"), std::string::npos) << refused.body;
}

}  // namespace
}  // namespace emu::test
