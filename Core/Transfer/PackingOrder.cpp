// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/PackingOrder.h"

#include <algorithm>
#include <map>
#include <utility>

namespace DicomMail
{
  namespace PackingOrder
  {
    namespace
    {
      struct Series
      {
        size_t study = 0;        // rank of its study by first appearance
        uint64_t bytes = 0;
        size_t firstSeen = 0;    // rank of the series by first appearance
        std::vector<size_t> members;
      };
    }

    std::vector<size_t> SmallSeriesFirst(const std::vector<PackerInstance>& instances)
    {
      std::map<std::string, size_t> studies;
      std::map<std::pair<std::string, std::string>, size_t> index;
      std::vector<Series> series;
      for (size_t i = 0; i < instances.size(); i++)
      {
        const PackerInstance& instance = instances[i];
        const size_t study = studies.emplace(instance.study, studies.size()).first->second;
        const auto found = index.emplace(std::make_pair(instance.study, instance.series), series.size());
        if (found.second)
        {
          Series fresh;
          fresh.study = study;
          fresh.firstSeen = series.size();
          series.push_back(fresh);
        }
        Series& mine = series[found.first->second];
        mine.bytes += instance.size;
        mine.members.push_back(i);
      }

      std::sort(series.begin(), series.end(), [](const Series& a, const Series& b) {
        if (a.study != b.study)
        {
          return a.study < b.study;
        }
        if (a.bytes != b.bytes)
        {
          return a.bytes < b.bytes;
        }
        return a.firstSeen < b.firstSeen;
      });

      std::vector<size_t> order;
      order.reserve(instances.size());
      for (const Series& s : series)
      {
        order.insert(order.end(), s.members.begin(), s.members.end());
      }
      return order;
    }
  }
}
