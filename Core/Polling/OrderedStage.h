// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace DicomMail
{
  // One stage of a pipeline run by up to "width" threads: each piece of work
  // runs on a thread of its own, and the pieces come back in the order they
  // were started, whichever finished first, so the next stage sees them in
  // order. The caller takes the oldest back before it starts another once
  // the stage is full: at most "width" pieces (and their files) are held.
  //
  // Each piece runs in a lane, 0 to width - 1, that no other piece in
  // flight has: the index of a per-thread resource, such as an OpenPGP
  // context (not shareable between threads). Pieces return in order, so
  // lanes simply take turns.
  template <typename Item>
  class OrderedStage
  {
  public:
    using Work = std::function<void(Item& item)>;

    explicit OrderedStage(size_t width) :
      width_(width == 0 ? 1 : width)
    {
    }

    // Waits for every piece still running.
    ~OrderedStage()
    {
      Clear();
    }

    OrderedStage(const OrderedStage&) = delete;
    OrderedStage& operator=(const OrderedStage&) = delete;

    size_t GetWidth() const
    {
      return width_;
    }

    bool IsEmpty() const
    {
      return flights_.empty();
    }

    bool IsFull() const
    {
      return flights_.size() >= width_;
    }

    // Whether the oldest piece has finished, so that TakeOldest() would not
    // wait: lets the caller pass it on as soon as it is ready (#15).
    bool IsOldestDone() const
    {
      return !flights_.empty() && flights_.front()->done.load();
    }

    // The lane the next Start() runs in.
    size_t NextLane() const
    {
      return started_ % width_;
    }

    // Runs "work" on "item" on a thread of its own; the stage must not be
    // full (std::logic_error). What "work" throws is kept for TakeOldest().
    void Start(std::unique_ptr<Item> item, Work work)
    {
      if (IsFull())
      {
        throw std::logic_error("OrderedStage: started while full");
      }
      std::unique_ptr<Flight> flight(new Flight);
      flight->item = std::move(item);
      Flight* f = flight.get();
      flights_.push_back(std::move(flight));
      try
      {
        f->thread = std::thread([f, work] {
          try
          {
            work(*f->item);
          }
          catch (const std::exception& e)
          {
            f->error = e.what();
          }
          catch (...)
          {
            f->error = "unexpected error";
          }
          f->done.store(true);
        });
      }
      catch (...)
      {
        flights_.pop_back();   // no thread: not started
        throw;
      }
      started_++;
    }

    // Waits for the oldest piece and hands its item back; "error" gets what
    // its work threw ("" if nothing). Null when the stage is empty.
    std::unique_ptr<Item> TakeOldest(std::string& error)
    {
      error.clear();
      if (flights_.empty())
      {
        return nullptr;
      }
      std::unique_ptr<Flight> oldest(std::move(flights_.front()));
      flights_.pop_front();
      oldest->thread.join();
      error = oldest->error;
      return std::move(oldest->item);
    }

    // Waits for every piece and drops its item.
    void Clear()
    {
      while (!flights_.empty())
      {
        std::string ignored;
        TakeOldest(ignored);
      }
    }

  private:
    struct Flight
    {
      std::unique_ptr<Item> item;
      std::string error;
      std::atomic<bool> done{false};
      std::thread thread;

      ~Flight()
      {
        if (thread.joinable())
        {
          thread.join();
        }
      }
    };

    size_t width_;
    size_t started_ = 0;
    std::deque<std::unique_ptr<Flight> > flights_;
  };
}
