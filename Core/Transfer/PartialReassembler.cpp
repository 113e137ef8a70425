// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Transfer/PartialReassembler.h"

#include "Core/Common/Error.h"
#include "Core/Common/Files.h"
#include "Core/Transfer/LineReader.h"
#include "Core/Transfer/PartialSplitter.h"
#include "Core/Transfer/RawHeaderBlock.h"

namespace DicomMail
{
  namespace
  {
    // The id comes from the wire: shortened and made printable for messages.
    std::string Describe(const std::string& id)
    {
      std::string printable;
      for (char c : id.substr(0, 100))
      {
        printable.push_back((c >= 32 && c < 127) ? c : '?');
      }
      return "message/partial id=\"" + printable + "\"";
    }
  }

  PartialReassembler::PartialReassembler(unsigned int maxTotal, size_t maxHeaderBytes) :
    maxTotal_(maxTotal),
    maxHeaderBytes_(maxHeaderBytes)
  {
    if (maxTotal_ == 0)
    {
      throw Error(ErrorKind::Configuration, "The maximum number of fragments must be at least 1");
    }
  }

  bool PartialReassembler::AddFragment(const SourceOpener& opener)
  {
    std::unique_ptr<ByteSource> source = opener();
    const PartialFragmentInfo info = PartialFragmentInfo::Read(*source, maxTotal_, maxHeaderBytes_);

    if (!id_.empty() && info.id != id_)
    {
      throw Error(ErrorKind::BadInput, "The fragment belongs to " + Describe(info.id) +
                  ", not to " + Describe(id_));
    }

    if (info.total != 0)
    {
      if (total_ != 0 && info.total != total_)
      {
        throw Error(ErrorKind::BadInput, Describe(info.id) + ": fragment " + std::to_string(info.number) +
                    " says total=" + std::to_string(info.total) + " but an earlier fragment said total=" +
                    std::to_string(total_));
      }
      if (total_ == 0 && !fragments_.empty() && fragments_.rbegin()->first > info.total)
      {
        throw Error(ErrorKind::BadInput, Describe(info.id) + ": fragment " + std::to_string(info.number) +
                    " says total=" + std::to_string(info.total) + " but fragment " +
                    std::to_string(fragments_.rbegin()->first) + " was received");
      }
    }
    else if (total_ != 0 && info.number > total_)
    {
      throw Error(ErrorKind::BadInput, Describe(info.id) + ": fragment " + std::to_string(info.number) +
                  " is beyond total=" + std::to_string(total_));
    }

    id_ = info.id;
    if (info.total != 0)
    {
      total_ = info.total;
    }
    return fragments_.emplace(info.number, Fragment{ opener, info.total }).second;
  }

  bool PartialReassembler::AddFragmentFile(const std::string& path)
  {
    return AddFragment([path]()
    {
      return std::unique_ptr<ByteSource>(new FileSource(path));
    });
  }

  bool PartialReassembler::IsComplete() const
  {
    return total_ != 0 && fragments_.size() == total_;
  }

  std::vector<unsigned int> PartialReassembler::GetMissing() const
  {
    std::vector<unsigned int> missing;
    for (unsigned int number = 1; number <= total_; number++)
    {
      if (fragments_.find(number) == fragments_.end())
      {
        missing.push_back(number);
      }
    }
    return missing;
  }

  void PartialReassembler::Reassemble(ByteSink& target) const
  {
    if (fragments_.empty())
    {
      throw Error(ErrorKind::BadInput, "No message/partial fragment to reassemble");
    }
    if (total_ == 0)
    {
      throw Error(ErrorKind::BadInput, Describe(id_) + ": the last fragment (the one giving total=) is missing");
    }
    const std::vector<unsigned int> missing = GetMissing();
    if (!missing.empty())
    {
      std::string message = Describe(id_) + ": fragment " + std::to_string(missing.front()) +
        " of " + std::to_string(total_) + " missing";
      if (missing.size() > 1)
      {
        message += " (" + std::to_string(missing.size()) + " fragments missing in all)";
      }
      throw Error(ErrorKind::BadInput, message);
    }

    for (unsigned int number = 1; number <= total_; number++)
    {
      WriteFragment(number, target);
    }
    target.Flush();
  }

  void PartialReassembler::WriteFragment(unsigned int number, ByteSink& target) const
  {
    std::unique_ptr<ByteSource> source = fragments_.at(number).opener();
    LineReader reader(*source);
    RawHeaderBlock outer;
    outer.Read(reader, maxHeaderBytes_);

    // The fragment was checked when added; a file replaced since then must
    // not slip a foreign piece into the mail.
    const PartialFragmentInfo info = PartialFragmentInfo::Parse(outer, maxTotal_);
    if (info.id != id_ || info.number != number)
    {
      throw Error(ErrorKind::BadInput, Describe(id_) + ": fragment " + std::to_string(number) +
                  " changed after it was added");
    }

    if (number == 1)
    {
      RawHeaderBlock enclosed;
      enclosed.Read(reader, maxHeaderBytes_);

      std::vector<const RawHeaderField*> kept;   // outer fields that survive the merge
      for (const RawHeaderField& field : outer.GetFields())
      {
        if (!PartialSplitter::IsEnclosedField(field.name))
        {
          kept.push_back(&field);
        }
      }
      std::vector<const RawHeaderField*> enclosedOthers;   // dropped by the merge
      for (const RawHeaderField& field : enclosed.GetFields())
      {
        if (!PartialSplitter::IsEnclosedField(field.name))
        {
          enclosedOthers.push_back(&field);
        }
      }

      // Does "kept" end with exactly the enclosed header's other fields?
      bool repeated = (enclosedOthers.size() <= kept.size());
      const size_t prefix = (repeated ? kept.size() - enclosedOthers.size() : 0);
      for (size_t i = 0; repeated && i < enclosedOthers.size(); i++)
      {
        repeated = (kept[prefix + i]->raw == enclosedOthers[i]->raw);
      }

      if (repeated)
      {
        for (size_t i = 0; i < prefix; i++)
        {
          target.Write(kept[i]->raw);
        }
        for (const RawHeaderField& field : enclosed.GetFields())
        {
          target.Write(field.raw);
        }
      }
      else
      {
        for (const RawHeaderField* field : kept)
        {
          target.Write(field->raw);
        }
        for (const RawHeaderField& field : enclosed.GetFields())
        {
          if (PartialSplitter::IsEnclosedField(field.name))
          {
            target.Write(field.raw);
          }
        }
      }
      target.Write(enclosed.GetTerminator());
    }

    reader.CopyRest(target);
  }
}
