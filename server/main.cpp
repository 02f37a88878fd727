#include <spdlog/spdlog.h>

#include <cstdio>
#include <exception>
#include <iostream>

#include "server/app.hpp"
#include "server/config.hpp"
#include "server/healthcheck.hpp"
#include "server/logging.hpp"

int main(int argc, char** argv) {
    auto parsed = emu::server::parse_config(argc, argv);
    if (!parsed.settings) return parsed.exit_code;
    const auto& settings = *parsed.settings;
    if (settings.healthcheck) return emu::server::run_healthcheck(settings.host, settings.port);
    emu::server::setup_logging(settings.log_level);
    try {
        emu::server::app emulator(settings);
        std::uint16_t port = 0;
        try {
            port = emulator.listen();
        } catch (const emu::server::startup_error&) {
            throw;
        } catch (const std::exception& error) {
            std::fprintf(stderr, "stream-emulator: cannot listen on %s:%u: %s\n", settings.host.c_str(),
                         static_cast<unsigned>(settings.port), error.what());
            return 1;
        }
        emulator.start();
        const bool v6 = settings.host.find(':') != std::string::npos;
        std::cout << "stream-emulator listening on http://" << (v6 ? "[" : "") << settings.host
                  << (v6 ? "]" : "") << ":" << port << std::endl;
        emulator.run_until_signal();
    } catch (const emu::server::startup_error& error) {
        std::fprintf(stderr, "stream-emulator: %s\n", error.what());
        return error.exit_code();
    }
    spdlog::info("stopped");
    return 0;
}
