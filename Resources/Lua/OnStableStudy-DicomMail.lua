-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Sample: send every stable CT study to a DICOM-Mail partner from Lua.
-- Does the same job as the auto-routing rule
--   {"Name": "CT", "Partner": "teleradiology", "Filter": {"Modality": "CT"}}
-- but in a script, for conditions a rule cannot express.
--
-- Load it with the Orthanc configuration option
--   "LuaScripts": [ "/path/to/OnStableStudy-DicomMail.lua" ]
--
-- POST /dicom-mail/send answers at once with the id of the send job, so the
-- Lua engine is never blocked while the study is mailed. Unlike a rule, the
-- script keeps no "sent once" record and does not look at where a study came
-- from: it skips studies that arrived by DICOM-Mail, so nothing is mailed back.

local PARTNER = 'teleradiology'   -- the partner's name in /dicom-mail/partners
local MODALITY = 'CT'             -- send studies holding a series of this modality

-- True when the study holds a series of the wanted modality.
local function HasModality(studyId, modality)
  local series = ParseJson(RestApiGet('/studies/' .. studyId .. '/series'))
  for _, s in ipairs(series) do
    if s['MainDicomTags']['Modality'] == modality then
      return true
    end
  end
  return false
end

-- True when the study was imported from a DICOM-Mail partner: DICOM-Mail
-- stores the partner's name as metadata 4312 on each instance it imports.
-- The first instance tells (one REST call, not one per instance).
local function ArrivedByDicomMail(studyId)
  local instances = ParseJson(RestApiGet('/studies/' .. studyId .. '/instances'))
  if #instances == 0 then
    return false
  end
  local names = ParseJson(RestApiGet('/instances/' .. instances[1]['ID'] .. '/metadata'))
  for _, name in ipairs(names) do
    if name == '4312' then
      return true
    end
  end
  return false
end

function OnStableStudy(studyId, tags, metadata)
  if not HasModality(studyId, MODALITY) or ArrivedByDicomMail(studyId) then
    return
  end
  local request = { Resources = { studyId }, Partner = PARTNER }
  local answer = ParseJson(RestApiPost('/dicom-mail/send', DumpJson(request, true)))
  print('DICOM-Mail: study ' .. studyId .. ' sent to ' .. PARTNER .. ' by job ' .. answer['ID'] ..
        ' (transfer ' .. answer['SetId'] .. ')')
end
