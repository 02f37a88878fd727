#include "state/reclaimer.hpp"

namespace emu::state {

reclaimer::~reclaimer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void reclaimer::enqueue(std::shared_ptr<void> garbage) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(garbage));
        if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    }
    wake_.notify_one();
}

void reclaimer::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and nothing left to free
        auto batch = std::move(queue_);
        queue_.clear();
        lock.unlock();
        batch.clear();  // the actual freeing, with no lock held
        lock.lock();
    }
}

}  // namespace emu::state
