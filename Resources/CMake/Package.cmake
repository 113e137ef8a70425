# DICOM-Mail for Orthanc: the Debian package, built by CPack (cpack -G DEB),
# laid out as Debian's own Orthanc plugins are: the library in
# /usr/lib/orthanc, a link to it in /usr/share/orthanc/plugins (which
# Debian's orthanc.json loads), and a configuration file in /etc/orthanc.
# SPDX-License-Identifier: GPL-3.0-or-later

# Directories 0755 whatever the umask of the build.
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(DICOM_MAIL_DEBIAN_DIR ${CMAKE_SOURCE_DIR}/Resources/Debian)
set(DICOM_MAIL_LIBRARY_FILE libOrthancDicomMail.so.${PROJECT_VERSION})

install(TARGETS OrthancDicomMail
  LIBRARY DESTINATION lib/orthanc NAMELINK_SKIP
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# The relative link Debian's own plugins use; install() copies a link as a link.
set(PLUGIN_LINK ${CMAKE_BINARY_DIR}/package/libOrthancDicomMail.so)
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/package)
file(CREATE_LINK ../../../lib/orthanc/${DICOM_MAIL_LIBRARY_FILE} ${PLUGIN_LINK} SYMBOLIC)
install(FILES ${PLUGIN_LINK} DESTINATION share/orthanc/plugins)

install(FILES ${DICOM_MAIL_DEBIAN_DIR}/dicom-mail.json DESTINATION /etc/orthanc
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# Debian wants the changelog compressed with gzip -9n (no name, no time stamp).
set(CHANGELOG_GZ ${CMAKE_BINARY_DIR}/package/changelog.Debian.gz)
add_custom_command(OUTPUT ${CHANGELOG_GZ}
  COMMAND gzip -9nc ${DICOM_MAIL_DEBIAN_DIR}/changelog > ${CHANGELOG_GZ}
  DEPENDS ${DICOM_MAIL_DEBIAN_DIR}/changelog)
add_custom_target(DebianChangelog ALL DEPENDS ${CHANGELOG_GZ})
set(DOC_DIR share/doc/orthanc-dicom-mail)
install(FILES ${CHANGELOG_GZ} ${DICOM_MAIL_DEBIAN_DIR}/copyright DESTINATION ${DOC_DIR}
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/docs/admin-guide.md DESTINATION ${DOC_DIR}
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(GLOB GUIDE_IMAGES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/images/*.png)
install(FILES ${GUIDE_IMAGES} DESTINATION ${DOC_DIR}/images
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_NAME orthanc-dicom-mail)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "DICOM-Mail maintainers <maintainers@users.noreply.r-seed-0fcc7faf.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Orthanc plugin: DICOM studies by encrypted, signed e-mail")
# The extended description; CPack puts the summary above it and indents it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Sends DICOM studies from Orthanc as OpenPGP-encrypted, signed e-mail
(PGP/MIME, German DICOM-E-Mail scheme) over SMTP and imports the ones
received over IMAP or POP3, after checking the sender's signature against
the partner's certified key. Signed acknowledgements (RFC 3798) tell the
sender what arrived.

The plugin stays inactive until a mail account is set in
/etc/orthanc/dicom-mail.json.")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)   # orthanc-dicom-mail_<version>-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://www.orthanc-server.com/")
# Libraries come from dpkg-shlibdeps; what the plugin runs or plugs into is named here.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "orthanc (>= 1.10.1), gpg, gpg-agent")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${DICOM_MAIL_DEBIAN_DIR}/conffiles ${DICOM_MAIL_DEBIAN_DIR}/postinst ${DICOM_MAIL_DEBIAN_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
