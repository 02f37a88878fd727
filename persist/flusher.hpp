#pragma once

// --fsync interval: one thread that, every interval, syncs what was written since the last time, so that
// an append need not wait for the disk and at most one interval of acknowledged writes can be lost with
// the machine's power (a killed process loses nothing: the data is in the file already).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace emu::persist {

class flusher {
  public:
    explicit flusher(std::chrono::milliseconds interval);
    ~flusher();  // stops, after a last round
    flusher(const flusher&) = delete;
    flusher& operator=(const flusher&) = delete;

    // `sync` is called every interval from the flusher's thread (it takes whatever lock its file needs);
    // until remove() returns. An exception it throws is counted, and it is called again next time.
    std::uint64_t add(std::function<void()> sync);
    void remove(std::uint64_t id);
    // Runs a round now, on the caller's thread, and returns once it is done.
    void flush_now();
    std::uint64_t rounds() const;
    std::uint64_t failures() const;

  private:
    void run();
    void round(std::unique_lock<std::mutex>& lock);

    std::chrono::milliseconds interval_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::map<std::uint64_t, std::function<void()>> syncs_;
    std::uint64_t next_id_ = 1;
    std::uint64_t rounds_ = 0;
    std::uint64_t failures_ = 0;
    bool in_round_ = false;
    std::condition_variable round_done_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace emu::persist
