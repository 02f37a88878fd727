// The interval flusher: it syncs every registered file each interval, on its own thread; a removed one is
// never called again; a failing one does not stop the others; and stopping runs a last round.
#include "persist/flusher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace {

using emu::persist::flusher;
using namespace std::chrono_literals;

TEST(flusher_test, every_registered_sync_runs_each_interval_until_removed) {
    std::atomic<int> a{0};
    std::atomic<int> b{0};
    std::atomic<int> after_remove{0};
    std::atomic<bool> removed{false};
    {
        flusher f(5ms);
        const auto ia = f.add([&] {
            ++a;
            if (removed) ++after_remove;
        });
        f.add([&] { ++b; });
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while ((a < 3 || b < 3) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(1ms);
        EXPECT_GE(a.load(), 3);
        f.remove(ia);
        removed = true;
        const int b_then = b;
        while (b < b_then + 3 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(1ms);
        EXPECT_GE(b.load(), b_then + 3);
        EXPECT_EQ(after_remove.load(), 0) << "called after remove() returned";
    }
}

TEST(flusher_test, a_failing_sync_is_counted_and_the_others_still_run) {
    std::atomic<int> good{0};
    flusher f(1h);  // rounds only when asked
    f.add([] { throw std::runtime_error("disk full"); });
    f.add([&] { ++good; });
    f.flush_now();
    f.flush_now();
    EXPECT_EQ(good.load(), 2);
    EXPECT_EQ(f.failures(), 2u);
    EXPECT_EQ(f.rounds(), 2u);
}

TEST(flusher_test, stopping_runs_a_last_round) {
    std::atomic<int> calls{0};
    {
        flusher f(1h);
        f.add([&] { ++calls; });
    }
    EXPECT_EQ(calls.load(), 1) << "what was written just before the stop is synced";
}

}  // namespace
