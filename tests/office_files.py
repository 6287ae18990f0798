"""Office files for upload tests, made on the fly (nothing is downloaded, olefile is not needed).

`compound_file` writes a minimal OLE2 compound file: the header, one allocation-table sector,
then the directory. Every stream is empty, which the format allows; the
upload check reads only the directory, so this is all it needs to see a real structure."""

import io
import struct
import zipfile

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
END_OF_CHAIN, FAT_SECTOR, DIFAT_SECTOR = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC
FREE = NO_ENTRY = 0xFFFFFFFF
# CLSID of the root storage of a Windows Installer package, {000C1084-0000-0000-C000-000000000046}
MSI_CLSID = bytes.fromhex("84100C0000000000C000000000000046")


def compound_file(tree, root_clsid=bytes(16), version=3, fat_via_difat=False) -> bytes:
    """tree: a list of (name, children): children None for a stream, a list for a storage.
    version 4 has 4096-byte sectors; `fat_via_difat` lists the allocation table's sector in a
    DIFAT sector, as files past about 7 MB do, instead of in the header."""
    sector_size = 512 if version == 3 else 4096
    entries = [["Root Entry", 5, NO_ENTRY, root_clsid]]  # name, type, child, clsid

    def add(siblings):
        indices = []
        for name, children in siblings:
            indices.append(len(entries))
            entries.append([name, 2 if children is None else 1, NO_ENTRY, bytes(16)])
            if children:
                entries[indices[-1]][2] = add(children)
        # siblings linked by their right pointers: a valid, if unbalanced, tree
        for position, index in enumerate(indices):
            right = indices[position + 1] if position + 1 < len(indices) else NO_ENTRY
            entries[index].append(right)
        return indices[0] if indices else NO_ENTRY

    entries[0][2] = add(tree)
    entries[0].append(NO_ENTRY)
    directory = b""
    for name, kind, child, clsid, right in entries:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        directory += (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(encoded), kind, 1, NO_ENTRY, right, child)
            + clsid
            + bytes(4 + 8 + 8)  # state bits, creation and modification times
            + struct.pack("<IQ", END_OF_CHAIN, 0)  # start sector, size: empty stream
        )
    directory = directory.ljust(-(-len(directory) // sector_size) * sector_size, b"\x00")
    directory_sectors = len(directory) // sector_size
    # sector 0: the allocation table; 1 to n: the directory; then the DIFAT sector if any
    fat = [FAT_SECTOR] + [n + 1 for n in range(1, directory_sectors)] + [END_OF_CHAIN]
    difat_sector_number = len(fat)
    if fat_via_difat:
        fat.append(DIFAT_SECTOR)
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(sector_size, b"\xff")
    header_difat = [FREE] * 109 if fat_via_difat else [0] + [FREE] * 108
    first_difat, difat_count = (difat_sector_number, 1) if fat_via_difat else (END_OF_CHAIN, 0)
    header = (
        OLE2_MAGIC
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, version, 0xFFFE, 9 if version == 3 else 12, 6)
        + bytes(6)
        + struct.pack(
            "<IIIIIIIII",
            0 if version == 3 else directory_sectors,
            1,
            1,
            0,
            4096,
            END_OF_CHAIN,
            0,
            first_difat,
            difat_count,
        )
        + struct.pack("<109I", *header_difat)
    )
    assert len(header) == 512
    body = fat_sector + directory
    if fat_via_difat:
        per_sector = sector_size // 4
        body += struct.pack(f"<{per_sector}I", 0, *[FREE] * (per_sector - 2), END_OF_CHAIN)
    return header.ljust(sector_size, b"\x00") + body


def msi_installer() -> bytes:
    """The shape of a Windows Installer package: MSI's root CLSID, a summary stream and tables
    whose names MSI stores in its own encoding (code points from U+3800 up)."""
    return compound_file(
        [
            ("\x05SummaryInformation", None),
            ("\u4840\u3f3f\u4577\u446c\u3b6a\u45e4\u4824", None),
            ("\u4840\u3b3f\u43f2\u4438\u45b1", None),
        ],
        root_clsid=MSI_CLSID,
    )


def word_97() -> bytes:
    return compound_file(
        [("\x01CompObj", None), ("WordDocument", None), ("1Table", None), ("Data", None)]
    )


def word_97_with_macros() -> bytes:
    return compound_file(
        [
            ("WordDocument", None),
            ("1Table", None),
            ("Macros", [("VBA", [("dir", None), ("ThisDocument", None)]), ("PROJECT", None)]),
        ]
    )


def excel_97() -> bytes:
    return compound_file([("Workbook", None), ("\x05SummaryInformation", None)])


def ooxml(parts, content_types="<Types/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        for name in parts:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def odf(mimetype="application/vnd.oasis.opendocument.text", parts=()) -> bytes:
    """An OpenDocument file as LibreOffice writes it: `mimetype` first and stored, then the
    rest; `parts` adds members, such as a Basic module (Basic/Standard/Module1.xml)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
        for name in parts:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def word_97_with_directory_loop() -> bytes:
    """A Word file whose directory chain points back to itself: a parser that trusts the
    allocation table would never stop."""
    content = bytearray(word_97())  # five entries: two directory sectors, 1 then 2
    assert struct.unpack_from("<3I", content, 512) == (FAT_SECTOR, 2, END_OF_CHAIN)
    struct.pack_into("<I", content, 512 + 8, 1)  # sector 2 is followed by sector 1 again
    return bytes(content)
