"""Office files for upload tests, made on the fly (nothing is downloaded, olefile is not needed).

`compound_file` writes a minimal OLE2 compound file (version 3, 512-byte sectors): the header, one
allocation-table sector, then the directory. Every stream is empty, which the format allows; the
upload check reads only the directory, so this is all it needs to see a real structure."""

import io
import struct
import zipfile

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
END_OF_CHAIN, FAT_SECTOR, FREE, NO_ENTRY = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF
# CLSID of the root storage of a Windows Installer package, {000C1084-0000-0000-C000-000000000046}
MSI_CLSID = bytes.fromhex("84100C0000000000C000000000000046")


def compound_file(tree, root_clsid=bytes(16)) -> bytes:
    """tree: a list of (name, children): children None for a stream, a list for a storage."""
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
    directory = directory.ljust(-(-len(directory) // 512) * 512, b"\x00")
    directory_sectors = len(directory) // 512
    fat = [FAT_SECTOR] + [n + 1 for n in range(1, directory_sectors)] + [END_OF_CHAIN]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    header = (
        OLE2_MAGIC
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
        + struct.pack("<109I", 0, *[FREE] * 108)
    )
    assert len(header) == 512
    return header + fat_sector + directory


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
