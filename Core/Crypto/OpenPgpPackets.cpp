// SPDX-License-Identifier: GPL-3.0-or-later
#include "Core/Crypto/OpenPgpPackets.h"

#include "Core/Transfer/Sha256.h"

#include <gcrypt.h>

#include <algorithm>
#include <cstdint>
#include <functional>

namespace DicomMail
{
  namespace OpenPgpPackets
  {
    namespace
    {
      const int kTagSecretKey = 5;
      const int kTagPublicKey = 6;
      const int kTagUserId = 13;
      const int kTagSecretSubkey = 7;

      int DecodeBase64Digit(char c)
      {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
      }

      void AppendBase64(const std::string& line, std::string& output, uint32_t& bits, int& bitCount)
      {
        for (char c : line)
        {
          const int digit = DecodeBase64Digit(c);
          if (digit < 0)
          {
            continue;   // '=' padding, stray whitespace
          }
          bits = (bits << 6) | static_cast<uint32_t>(digit);
          bitCount += 6;
          if (bitCount >= 8)
          {
            bitCount -= 8;
            output += static_cast<char>((bits >> bitCount) & 0xff);
          }
        }
      }

      bool StartsWith(const std::string& s, const char* prefix)
      {
        return s.compare(0, std::char_traits<char>::length(prefix), prefix) == 0;
      }

      std::string Dearmor(const std::string& data)
      {
        enum State { Outside, Headers, Body, Checksum } state = Outside;
        std::string output;
        uint32_t bits = 0;
        int bitCount = 0;

        size_t pos = 0;
        while (pos < data.size())
        {
          size_t end = data.find('\n', pos);
          if (end == std::string::npos)
          {
            end = data.size();
          }
          std::string line = data.substr(pos, end - pos);
          pos = end + 1;
          while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
          {
            line.pop_back();
          }

          if (StartsWith(line, "-----END PGP "))
          {
            state = Outside;
            continue;
          }

          switch (state)
          {
            case Outside:
              if (StartsWith(line, "-----BEGIN PGP "))
              {
                state = Headers;
                bits = 0;
                bitCount = 0;
              }
              break;

            case Headers:
              if (line.empty())
              {
                state = Body;
              }
              else if (line.find(": ") == std::string::npos)
              {
                // No header block at all: tolerated, this is already data.
                state = Body;
                AppendBase64(line, output, bits, bitCount);
              }
              break;

            case Body:
              if (!line.empty() && line[0] == '=')
              {
                state = Checksum;
              }
              else
              {
                AppendBase64(line, output, bits, bitCount);
              }
              break;

            case Checksum:
              break;
          }
        }
        return output;
      }

      // Calls "visit(tag, body, length)" for each packet; stops at the end or
      // at the first malformed header (GnuPG will judge the rest).
      void ForEachPacket(const std::string& binary,
                         const std::function<void(int, const uint8_t*, size_t)>& visit)
      {
        const uint8_t* p = reinterpret_cast<const uint8_t*>(binary.data());
        const size_t size = binary.size();
        size_t pos = 0;

        while (pos < size)
        {
          const uint8_t header = p[pos++];
          if ((header & 0x80) == 0)
          {
            return;
          }

          int tag;
          size_t length = 0;
          bool partial = false;

          if (header & 0x40)   // new format
          {
            tag = header & 0x3f;
            if (pos >= size)
            {
              return;
            }
            const uint8_t first = p[pos++];
            if (first < 192)
            {
              length = first;
            }
            else if (first < 224)
            {
              if (pos >= size)
              {
                return;
              }
              length = (static_cast<size_t>(first - 192) << 8) + p[pos++] + 192;
            }
            else if (first == 255)
            {
              if (pos + 4 > size)
              {
                return;
              }
              length = (static_cast<size_t>(p[pos]) << 24) | (static_cast<size_t>(p[pos + 1]) << 16) |
                       (static_cast<size_t>(p[pos + 2]) << 8) | p[pos + 3];
              pos += 4;
            }
            else
            {
              length = static_cast<size_t>(1) << (first & 0x1f);
              partial = true;
            }
          }
          else   // old format
          {
            tag = (header >> 2) & 0x0f;
            const int lengthType = header & 0x03;
            if (lengthType == 3)
            {
              length = size - pos;   // indeterminate: to the end
            }
            else
            {
              const size_t octets = (lengthType == 0) ? 1 : (lengthType == 1 ? 2 : 4);
              if (pos + octets > size)
              {
                return;
              }
              for (size_t i = 0; i < octets; i++)
              {
                length = (length << 8) | p[pos + i];
              }
              pos += octets;
            }
          }

          if (length > size - pos)
          {
            length = size - pos;   // truncated: still report what is there
          }

          // A partially-sized body is only legal for data packets, never for
          // keys; report its first chunk with a zero length so that a secret
          // key sent this way counts as present but unreadable.
          visit(tag, p + pos, partial ? 0 : length);
          pos += length;

          if (partial)
          {
            // Skip the remaining chunks of this body.
            for (;;)
            {
              if (pos >= size)
              {
                return;
              }
              const uint8_t next = p[pos++];
              size_t chunk;
              bool more = false;
              if (next < 192)
              {
                chunk = next;
              }
              else if (next < 224)
              {
                if (pos >= size)
                {
                  return;
                }
                chunk = (static_cast<size_t>(next - 192) << 8) + p[pos++] + 192;
              }
              else if (next == 255)
              {
                if (pos + 4 > size)
                {
                  return;
                }
                chunk = (static_cast<size_t>(p[pos]) << 24) | (static_cast<size_t>(p[pos + 1]) << 16) |
                        (static_cast<size_t>(p[pos + 2]) << 8) | p[pos + 3];
                pos += 4;
              }
              else
              {
                chunk = static_cast<size_t>(1) << (next & 0x1f);
                more = true;
              }
              pos += std::min(chunk, size - pos);
              if (!more)
              {
                break;
              }
            }
          }
        }
      }

      class Reader
      {
      public:
        Reader(const uint8_t* data, size_t size) :
          data_(data),
          size_(size)
        {
        }

        bool Skip(size_t n)
        {
          if (n > size_ - pos_)
          {
            return false;
          }
          pos_ += n;
          return true;
        }

        bool Byte(uint8_t& value)
        {
          if (pos_ >= size_)
          {
            return false;
          }
          value = data_[pos_++];
          return true;
        }

        bool SkipMpi()
        {
          uint8_t high, low;
          if (!Byte(high) || !Byte(low))
          {
            return false;
          }
          const size_t bits = (static_cast<size_t>(high) << 8) | low;
          return Skip((bits + 7) / 8);
        }

        size_t Position() const
        {
          return pos_;
        }

        // A one-octet length followed by that many octets (curve OID, KDF).
        bool SkipCounted()
        {
          uint8_t n;
          return Byte(n) && n != 0 && n != 0xff && Skip(n);
        }

      private:
        const uint8_t* data_;
        size_t size_;
        size_t pos_ = 0;
      };

      // Reads the public part of a v3/v4 key packet (public or secret);
      // false when it cannot be read that far. "r" is left after it.
      bool SkipPublicPart(Reader& r)
      {
        uint8_t version, algorithm;
        if (!r.Byte(version))
        {
          return false;
        }
        if (version == 4)
        {
          if (!r.Skip(4) || !r.Byte(algorithm))
          {
            return false;
          }
        }
        else if (version == 3 || version == 2)
        {
          if (!r.Skip(6) || !r.Byte(algorithm))
          {
            return false;
          }
        }
        else
        {
          return false;   // v5 and later: unknown layout
        }

        switch (algorithm)
        {
          case 1: case 2: case 3:   // RSA: n, e
            return r.SkipMpi() && r.SkipMpi();
          case 16: case 20:         // Elgamal: p, g, y
            return r.SkipMpi() && r.SkipMpi() && r.SkipMpi();
          case 17:                  // DSA: p, q, g, y
            return r.SkipMpi() && r.SkipMpi() && r.SkipMpi() && r.SkipMpi();
          case 18:                  // ECDH: curve, point, KDF parameters
            return r.SkipCounted() && r.SkipMpi() && r.SkipCounted();
          case 19: case 22:         // ECDSA, EdDSA: curve, point
            return r.SkipCounted() && r.SkipMpi();
          default:
            return false;
        }
      }

      // The S2K usage octet of a secret key packet follows its public part;
      // "false" when the packet cannot be read that far (v5: unprotected).
      bool IsProtected(const uint8_t* body, size_t length)
      {
        Reader r(body, length);
        uint8_t usage;
        return SkipPublicPart(r) && r.Byte(usage) && (usage == 254 || usage == 255);
      }

      // RFC 4880 §12.2: SHA-1 over 0x99, the two-octet length and the public
      // key packet body (for a secret key: its public part). "" if not v4.
      std::string V4Fingerprint(const uint8_t* body, size_t length)
      {
        Reader r(body, length);
        if (length == 0 || body[0] != 4 || !SkipPublicPart(r) || r.Position() > 0xffff)
        {
          return "";
        }
        const size_t publicLength = r.Position();
        std::string hashed;
        hashed += static_cast<char>(0x99);
        hashed += static_cast<char>((publicLength >> 8) & 0xff);
        hashed += static_cast<char>(publicLength & 0xff);
        hashed.append(reinterpret_cast<const char*>(body), publicLength);
        Sha256::InitializeLibrary();   // libgcrypt, whatever the digest
        uint8_t digest[20];
        gcry_md_hash_buffer(GCRY_MD_SHA1, digest, hashed.data(), hashed.size());
        static const char* const hex = "0123456789ABCDEF";
        std::string fingerprint;
        for (uint8_t b : digest)
        {
          fingerprint += hex[b >> 4];
          fingerprint += hex[b & 0x0f];
        }
        return fingerprint;
      }

      // A packet written back with a new-format header and a five-octet length.
      void AppendPacket(std::string& out, int tag, const uint8_t* body, size_t length)
      {
        out += static_cast<char>(0xC0 | tag);
        out += static_cast<char>(0xff);
        for (int shift = 24; shift >= 0; shift -= 8)
        {
          out += static_cast<char>((length >> shift) & 0xff);
        }
        out.append(reinterpret_cast<const char*>(body), length);
      }
    }

    std::string ToBinary(const std::string& data)
    {
      if (!data.empty() && (static_cast<uint8_t>(data[0]) & 0x80) != 0)
      {
        return data;
      }
      if (data.find("-----BEGIN PGP ") != std::string::npos)
      {
        return Dearmor(data);
      }
      return "";
    }

    bool ContainsSecretKey(const std::string& data)
    {
      if (data.find("PRIVATE KEY BLOCK") != std::string::npos)
      {
        return true;
      }

      bool found = false;
      ForEachPacket(ToBinary(data), [&](int tag, const uint8_t*, size_t)
      {
        found = found || tag == kTagSecretKey || tag == kTagSecretSubkey;
      });
      return found;
    }

    bool AreSecretKeysProtected(const std::string& data)
    {
      int count = 0;
      bool allProtected = true;
      ForEachPacket(ToBinary(data), [&](int tag, const uint8_t* body, size_t length)
      {
        if (tag == kTagSecretKey || tag == kTagSecretSubkey)
        {
          count++;
          allProtected = allProtected && IsProtected(body, length);
        }
      });
      return count > 0 && allProtected;
    }

    std::vector<KeyBlock> SplitKeyBlocks(const std::string& data)
    {
      std::vector<KeyBlock> blocks;
      ForEachPacket(ToBinary(data), [&](int tag, const uint8_t* body, size_t length)
      {
        if (tag == kTagPublicKey || tag == kTagSecretKey)
        {
          blocks.emplace_back();
          blocks.back().fingerprint = V4Fingerprint(body, length);
        }
        if (blocks.empty())
        {
          return;   // no key begun yet: nothing to attach it to
        }
        KeyBlock& block = blocks.back();
        block.secret = block.secret || tag == kTagSecretKey || tag == kTagSecretSubkey;
        if (tag == kTagUserId && block.firstUserId.empty())
        {
          block.firstUserId.assign(reinterpret_cast<const char*>(body), std::min<size_t>(length, 256));
        }
        AppendPacket(block.packets, tag, body, length);
      });
      return blocks;
    }
  }
}
