// Orthanc Explorer extension: filled by the Explorer issue.
