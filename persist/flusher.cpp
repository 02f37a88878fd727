#include "persist/flusher.hpp"

#include <exception>
#include <vector>

namespace emu::persist {

flusher::flusher(std::chrono::milliseconds interval) : interval_(interval), thread_([this] { run(); }) {}

flusher::~flusher() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

std::uint64_t flusher::add(std::function<void()> sync) {
    std::lock_guard lock(mutex_);
    const auto id = next_id_++;
    syncs_.emplace(id, std::move(sync));
    return id;
}

void flusher::remove(std::uint64_t id) {
    std::unique_lock lock(mutex_);
    // A round in progress may be calling it: wait for the round, so that it is never called after this.
    round_done_.wait(lock, [this] { return !in_round_; });
    syncs_.erase(id);
}

void flusher::round(std::unique_lock<std::mutex>& lock) {
    round_done_.wait(lock, [this] { return !in_round_; });
    in_round_ = true;
    std::vector<std::function<void()>*> calls;
    for (auto& [id, sync] : syncs_) calls.push_back(&sync);
    lock.unlock();
    std::uint64_t failed = 0;
    for (auto* call : calls) {
        try {
            (*call)();
        } catch (const std::exception&) {
            ++failed;
        }
    }
    lock.lock();
    failures_ += failed;
    ++rounds_;
    in_round_ = false;
    round_done_.notify_all();
}

void flusher::flush_now() {
    std::unique_lock lock(mutex_);
    round(lock);
}

void flusher::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait_for(lock, interval_, [this] { return stopping_; });
        round(lock);  // also the last one, once stopping
        if (stopping_) return;
    }
}

std::uint64_t flusher::rounds() const {
    std::lock_guard lock(mutex_);
    return rounds_;
}

std::uint64_t flusher::failures() const {
    std::lock_guard lock(mutex_);
    return failures_;
}

}  // namespace emu::persist
