#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>

#include "routes/fixture.hpp"
#include "routes/router.hpp"
#include "server/config.hpp"
#include "server/healthcheck.hpp"
#include "server/http_server.hpp"
#include "server/logging.hpp"
#include "state/state.hpp"

int main(int argc, char** argv) {
    auto parsed = emu::server::parse_config(argc, argv);
    if (!parsed.settings) return parsed.exit_code;
    const auto& settings = *parsed.settings;
    if (settings.healthcheck) return emu::server::run_healthcheck(settings.host, settings.port);
    emu::server::setup_logging(settings.log_level);

    auto router = emu::routes::make_router();
    emu::state::state st(emu::state::system_now_ms, settings.max_stored_bytes);
    if (!settings.fixture.empty()) {
        emu::routes::fixture_faults faults{router.control().cloud_operations, {}};
        try {
            emu::routes::load_fixture_file(settings.fixture, st, &faults);
        } catch (const emu::routes::fixture_error& error) {
            std::fprintf(stderr, "stream-emulator: bad fixture: %s\n", error.what());
            return 2;
        }
        for (auto& rule : faults.rules) router.control().faults.add(std::move(rule));
    }

    emu::routes::auth_settings auth;
    auth.mode = *emu::routes::parse_auth_mode(settings.auth_mode);  // CLI11 admits only the three names
    if (!settings.credentials.empty()) {
        try {
            emu::routes::load_credentials_file(settings.credentials, auth);
        } catch (const emu::routes::credentials_error& error) {
            std::fprintf(stderr, "stream-emulator: bad credentials: %s\n", error.what());
            return 2;
        }
    } else if (auth.mode == emu::routes::auth_mode::strict) {
        std::fprintf(stderr, "stream-emulator: --auth-mode strict needs --credentials FILE\n");
        return 2;
    }
    spdlog::info("authentication: {} mode, {} access keys, {} tokens", emu::routes::auth_mode_name(auth.mode),
                 auth.credentials.size(), auth.tokens.size());

    router.set_auth(std::move(auth));
    router.control().requests.configure(settings.journal_size, settings.journal_body_limit);
    emu::server::http_server server(settings, router, st);
    std::uint16_t port = 0;
    try {
        port = server.listen();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "stream-emulator: cannot listen on %s:%u: %s\n", settings.host.c_str(),
                     static_cast<unsigned>(settings.port), error.what());
        return 1;
    }
    server.start();
    const bool v6 = settings.host.find(':') != std::string::npos;
    std::cout << "stream-emulator listening on http://" << (v6 ? "[" : "") << settings.host << (v6 ? "]" : "") << ":"
              << port << std::endl;
    server.run_until_signal();
    spdlog::info("stopped");
    return 0;
}
