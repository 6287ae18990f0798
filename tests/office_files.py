"""Office files for upload tests, made on the fly from the published formats ([MS-CFB] compound
files, [MS-OVBA] VBA projects, [MS-XLS] BIFF records, [MS-PPT] records, OOXML packages): nothing
is downloaded, and none of it comes from another project.

The legacy files carry what olefile and oletools read to tell a document and its macros apart:
real streams, a VBA project whose module source is compressed as Office compresses it, a
workbook's sheet list, a presentation's embedded storage records."""

import io
import struct
import warnings
import zipfile
import zlib

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
END_OF_CHAIN, FAT_SECTOR, DIFAT_SECTOR = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC
FREE = NO_ENTRY = 0xFFFFFFFF
# CLSID of the root storage of a Windows Installer package, {000C1084-0000-0000-C000-000000000046}
MSI_CLSID = bytes.fromhex("84100C0000000000C000000000000046")


def compound_file(tree, root_clsid=bytes(16), version=3) -> bytes:
    """tree: a list of (name, children): children None for an empty stream, bytes for a stream's
    content, a list for a storage. version 4 has 4096-byte sectors. The header lists the first
    109 sectors of the allocation table; past them (files of about 7 MB and more with 512-byte
    sectors), DIFAT sectors list the rest.

    Streams shorter than 4096 bytes live in the mini stream (64-byte sectors, chained by the mini
    allocation table), longer ones in sectors of their own, as the format requires."""
    sector_size = 512 if version == 3 else 4096
    # name, type, child, clsid, right sibling, content
    entries = [["Root Entry", 5, NO_ENTRY, root_clsid, NO_ENTRY, b""]]

    def add(siblings):
        indices = []
        for name, children in siblings:
            indices.append(len(entries))
            is_storage = isinstance(children, list)
            content = b"" if is_storage or children is None else children
            entries.append([name, 1 if is_storage else 2, NO_ENTRY, bytes(16), NO_ENTRY, content])
            if is_storage and children:
                entries[indices[-1]][2] = add(children)
        # siblings linked by their right pointers: a valid, if unbalanced, tree
        for position, index in enumerate(indices[:-1]):
            entries[index][4] = indices[position + 1]
        return indices[0] if indices else NO_ENTRY

    entries[0][2] = add(tree)

    def sectors(size, unit=sector_size):
        return -(-size // unit)

    # Where each stream starts: in the mini stream, or in the file's own sectors (numbered from
    # the first big stream; shifted once the sectors before them are counted).
    mini_stream, mini_chains, big_streams, starts = b"", [], [], {}
    for index, entry in enumerate(entries[1:], start=1):
        content = entry[5]
        if not content:
            continue
        if len(content) < 4096:
            first = len(mini_stream) // 64
            mini_chains.append((first, sectors(len(content), 64)))
            mini_stream += content.ljust(sectors(len(content), 64) * 64, b"\x00")
            starts[index] = ("mini", first)
        else:
            starts[index] = ("big", sum(sectors(len(c)) for c in big_streams))
            big_streams.append(content)
    mini_fat = []
    for first, count in mini_chains:
        mini_fat += [first + n + 1 for n in range(count - 1)] + [END_OF_CHAIN]
    directory_sectors = sectors(len(entries) * 128)
    mini_fat_sectors = sectors(len(mini_fat) * 4)
    mini_stream_sectors = sectors(len(mini_stream))
    big_sectors = [sectors(len(content)) for content in big_streams]
    per_sector = sector_size // 4
    others = directory_sectors + mini_fat_sectors + mini_stream_sectors + sum(big_sectors)
    fat_sectors = 1
    while True:
        difat_sectors = sectors(max(0, fat_sectors - 109), per_sector - 1)
        if fat_sectors * per_sector >= fat_sectors + others + difat_sectors:
            break
        fat_sectors += 1

    # Layout: allocation table, directory, mini allocation table, mini stream, big streams, DIFAT.
    fat = [FAT_SECTOR] * fat_sectors

    def chain(count):
        if not count:
            return END_OF_CHAIN
        first = len(fat)
        fat.extend([first + n + 1 for n in range(count - 1)] + [END_OF_CHAIN])
        return first

    first_directory = chain(directory_sectors)
    first_mini_fat = chain(mini_fat_sectors)
    first_mini_stream = chain(mini_stream_sectors)
    first_big = [chain(count) for count in big_sectors]
    first_difat = len(fat) if difat_sectors else END_OF_CHAIN
    fat.extend([DIFAT_SECTOR] * difat_sectors)

    entries[0][5] = mini_stream
    directory = b""
    for index, (name, kind, child, clsid, right, content) in enumerate(entries):
        if index == 0:
            start = first_mini_stream
        elif index in starts:
            where, number = starts[index]
            start = number if where == "mini" else first_big[big_streams.index(content)]
        else:
            start = END_OF_CHAIN
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        directory += (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(encoded), kind, 1, NO_ENTRY, right, child)
            + clsid
            + bytes(4 + 8 + 8)  # state bits, creation and modification times
            + struct.pack("<IQ", start, len(content))
        )
    unused = bytes(64) + struct.pack("<HBBIII", 0, 0, 0, NO_ENTRY, NO_ENTRY, NO_ENTRY) + bytes(48)
    directory += unused * (directory_sectors * sector_size // 128 - len(entries))

    fat_table = struct.pack(f"<{len(fat)}I", *fat).ljust(fat_sectors * sector_size, b"\xff")
    mini_fat_table = struct.pack(f"<{len(mini_fat)}I", *mini_fat).ljust(
        mini_fat_sectors * sector_size, b"\xff"
    )
    body = fat_table + directory + mini_fat_table
    body += mini_stream.ljust(mini_stream_sectors * sector_size, b"\x00")
    for content, count in zip(big_streams, big_sectors, strict=True):
        body += content.ljust(count * sector_size, b"\x00")
    fat_numbers = list(range(fat_sectors))
    header_difat = (fat_numbers[:109] + [FREE] * 109)[:109]
    rest = fat_numbers[109:]
    for number in range(difat_sectors):
        listed = rest[number * (per_sector - 1) : (number + 1) * (per_sector - 1)]
        following = first_difat + number + 1 if number + 1 < difat_sectors else END_OF_CHAIN
        listed += [FREE] * (per_sector - 1 - len(listed))
        body += struct.pack(f"<{per_sector}I", *listed, following)
    header = (
        OLE2_MAGIC
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, version, 0xFFFE, 9 if version == 3 else 12, 6)
        + bytes(6)
        + struct.pack(
            "<IIIIIIIII",
            0 if version == 3 else directory_sectors,
            fat_sectors,
            first_directory,
            0,
            4096,
            first_mini_fat,
            mini_fat_sectors,
            first_difat,
            difat_sectors,
        )
        + struct.pack("<109I", *header_difat)
    )
    assert len(header) == 512
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
    """The storages of a VBA project, without the streams olevba wants: refused by their name."""
    return compound_file(
        [
            ("WordDocument", None),
            ("1Table", None),
            ("Macros", [("VBA", [("dir", None), ("ThisDocument", None)]), ("PROJECT", None)]),
        ]
    )


def word_97_with_shared_sectors(copies: int, size: int = 1024 * 1024) -> bytes:
    """A Word file whose directory holds `copies` more streams that all point at the sectors of
    its WordDocument stream: a reader that reads every stream reads `size` bytes `copies` times."""
    content = bytearray(
        compound_file([("WordDocument", bytes(size))] + [(f"S{n}", None) for n in range(copies)])
    )
    sector_size = 1 << struct.unpack_from("<H", content, 0x1E)[0]
    first_directory = struct.unpack_from("<I", content, 0x30)[0]
    directory = (first_directory + 1) * sector_size  # the directory's sectors follow each other
    start = struct.unpack_from("<I", content, directory + 128 + 0x74)[0]
    for index in range(2, copies + 2):
        struct.pack_into("<IQ", content, directory + index * 128 + 0x74, start, size)
    return bytes(content)


# --- VBA projects ([MS-OVBA]) ------------------------------------------------------------------

AUTO_OPEN = (
    b'Attribute VB_Name = "ThisDocument"\r\n'
    b"Sub AutoOpen()\r\n"
    b'    Shell "cmd.exe /c calc.exe"\r\n'
    b"End Sub\r\n"
)


def vba_compress(source: bytes) -> bytes:
    """[MS-OVBA] 2.4.1 compression, with literal tokens only: a valid CompressedContainer (each
    group of eight bytes behind a zero flag byte) that olevba and Office decompress."""
    container = b"\x01"
    for start in range(0, len(source), 4096):
        chunk = source[start : start + 4096]
        data = b"".join(b"\x00" + chunk[i : i + 8] for i in range(0, len(chunk), 8))
        assert len(data) <= 4096, "keep test sources short: one compressed chunk each"
        container += struct.pack("<H", 0xB000 | (len(data) - 1)) + data  # size - 3, with header
    return container


def vba_project(source: bytes = AUTO_OPEN, module: str = "ThisDocument") -> list:
    """The storage tree of a VBA project: PROJECT and PROJECTwm beside VBA, which holds
    _VBA_PROJECT (the version-independent form), dir and the module's compressed source."""
    dir_records = (
        struct.pack("<HIIHIH", 0x0001, 4, 1, 0x0002, 4, 0x0409)  # SYSKIND win32, LCID
        + struct.pack("<HI", 0x0010, 0)  # end of the dir stream
    )
    return [
        (
            "PROJECT",
            f'ID="{{00000000-0000-0000-0000-000000000000}}"\r\nDocument={module}'
            '/&H00000000\r\nName="Project"\r\n'.encode(),
        ),
        ("PROJECTwm", module.encode() + b"\x00" + module.encode("utf-16-le") + b"\x00" * 4),
        (
            "VBA",
            [
                ("_VBA_PROJECT", b"\xcc\x61\xff\xff\x00\x00\x00"),
                ("dir", vba_compress(dir_records)),
                (module, vba_compress(source)),
            ],
        ),
    ]


def word_97_with_vba(storage="Macros") -> bytes:
    """A Word 97-2003 document whose VBA project runs a program when it opens (AutoOpen)."""
    return compound_file(
        [
            ("WordDocument", b"\xec\xa5" + bytes(1022)),
            ("1Table", bytes(512)),
            (storage, vba_project()),
        ]
    )


# --- Excel 97-2003 ([MS-XLS]) ------------------------------------------------------------------

WORKSHEET, MACRO_SHEET, VB_MODULE = 0x00, 0x01, 0x06
SUBSTREAM_TYPES = {WORKSHEET: 0x0010, MACRO_SHEET: 0x0040, VB_MODULE: 0x0006}


def biff_record(opcode: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", opcode, len(data)) + data


def biff_bof(substream: int) -> bytes:
    return biff_record(0x0809, struct.pack("<HHHHII", 0x0600, substream, 0x0DBB, 0x07CC, 0, 6))


def workbook_stream(sheets=(("Feuil1", WORKSHEET),), substream_types=None) -> bytes:
    """A BIFF8 Workbook stream: the globals (BOF, one BOUNDSHEET per sheet, EOF), then each
    sheet's own substream (BOF of the sheet's type, EOF). `substream_types` overrides the type
    the sheets' own BOF records give (by default, the one their BOUNDSHEET gives)."""
    substream_types = substream_types or [SUBSTREAM_TYPES[kind] for _name, kind in sheets]

    def boundsheet(position, kind, name):
        return biff_record(
            0x0085, struct.pack("<IBB", position, 0, kind) + bytes([len(name), 0]) + name.encode()
        )

    globals_size = len(biff_bof(5)) + len(biff_record(0x000A))
    globals_size += sum(len(boundsheet(0, kind, name)) for name, kind in sheets)
    substreams = [biff_bof(kind) + biff_record(0x000A) for kind in substream_types]
    positions = [globals_size + sum(len(sub) for sub in substreams[:n]) for n in range(len(sheets))]
    stream = biff_bof(5)
    for position, (name, kind) in zip(positions, sheets, strict=True):
        stream += boundsheet(position, kind, name)
    return stream + biff_record(0x000A) + b"".join(substreams)


def excel_97_with_macro_sheet(**kwargs) -> bytes:
    """An .xls made of its Workbook stream alone (no CLSID, no other stream), whose second sheet
    is an Excel 4.0 macro sheet: its formulas run when the workbook opens (Auto_Open)."""
    sheets = (("Feuil1", WORKSHEET), ("Macro1", MACRO_SHEET))
    return compound_file([("Workbook", workbook_stream(sheets, **kwargs))])


# --- PowerPoint 97-2003 ([MS-PPT]) -------------------------------------------------------------


def ppt_record(kind: int, data: bytes, instance: int = 0, version: int = 0) -> bytes:
    return struct.pack("<HHI", version | instance << 4, kind, len(data)) + data


def powerpoint_97(storages=(), before=b"", root_extra=()) -> bytes:
    """A presentation whose "PowerPoint Document" stream holds, after `before`, one compressed
    ExOleObjStg record (type 0x1011, instance 1) per embedded compound file of `storages`: where
    PowerPoint keeps a presentation's VBA project, and its embedded OLE objects."""
    records = before
    for storage in storages:
        records += ppt_record(0x1011, struct.pack("<I", len(storage)) + zlib.compress(storage), 1)
    current_user = ppt_record(
        0x0FF6, struct.pack("<IIIHHBBH", 20, 0xE391C05F, 0, 0, 0x03F4, 3, 0, 0)
    )
    return compound_file(
        [("Current User", current_user), ("PowerPoint Document", records), *root_extra]
    )


def vba_info(version: int = 2) -> bytes:
    """A VBAInfoContainer and its VBAInfoAtom; the atom's version MUST be 2."""
    atom = ppt_record(0x0400, struct.pack("<III", 1, 1, version), version=2)
    return ppt_record(0x03FF, atom, instance=1, version=0xF)


def vba_storage() -> bytes:
    """The compound file PowerPoint embeds for a presentation's VBA project."""
    return compound_file(vba_project(module="Module1"))


def embedded_workbook() -> bytes:
    """An embedded Excel object without code, as a presentation holds a chart's data."""
    return compound_file([("Workbook", workbook_stream())])


def excel_97() -> bytes:
    return compound_file([("Workbook", None), ("\x05SummaryInformation", None)])


def ooxml(parts, content_types="<Types/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        for name in parts:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.settings+xml"/></Types>'
)
DOCM_CONTENT_TYPES = DOCX_CONTENT_TYPES.replace(
    "document.main+xml", "document.macroEnabled.main+xml"
).replace(
    "</Types>",
    '<Override PartName="/word/code.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    "</Types>",
)


def relationships(*relationships) -> str:
    """A relationships part; each relationship is (id, type under officeDocument's namespace,
    target, external or not)."""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{RELATIONSHIPS}">'
        + "".join(
            f'<Relationship Id="{rid}" Type="{OFFICE_RELATIONSHIPS}/{kind}" Target="{target}"'
            + (' TargetMode="External"' if external else "")
            + "/>"
            for rid, kind, target, external in relationships
        )
        + "</Relationships>"
    )


def docx(extra=(), content_types=DOCX_CONTENT_TYPES, settings_relationships=()) -> bytes:
    """A Word document as Word writes its parts: content types, package relationships, the main
    part, its settings and, if given, the settings' relationships (where Word names the
    attached template). `extra` adds (name, content) members, duplicates included."""
    template = (
        f'<w:attachedTemplate xmlns:r="{OFFICE_RELATIONSHIPS}" r:id="rId1"/>'
        if settings_relationships
        else ""
    )
    settings = (
        '<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"{template}</w:settings>"
    )
    members = [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", relationships(("rId1", "officeDocument", "word/document.xml", False))),
        (
            "word/_rels/document.xml.rels",
            relationships(("rId1", "settings", "settings.xml", False)),
        ),
        (
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p/></w:body></w:document>',
        ),
        ("word/settings.xml", settings),
    ]
    if settings_relationships:
        members.append(("word/_rels/settings.xml.rels", relationships(*settings_relationships)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name: the point here
        for name, content in [*members, *extra]:
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_with_template(target: str, external=True) -> bytes:
    """A Word document whose attached template Word loads from `target` when it opens."""
    return docx(settings_relationships=[("rId1", "attachedTemplate", target, external)])


def docx_with_two_content_types() -> bytes:
    """A macro-enabled document (its content types declare a VBA project, word/code.bin) that
    carries a second, harmless [Content_Types].xml after the first: a reader that takes the
    last one of a name, as Python's zipfile does, sees a plain .docx."""
    return docx(
        content_types=DOCM_CONTENT_TYPES,
        extra=[("word/code.bin", vba_storage()), ("[Content_Types].xml", DOCX_CONTENT_TYPES)],
    )


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


def excel_97_protected() -> bytes:
    """A workbook whose FILEPASS record says the rest of the stream is encrypted (XOR
    obfuscation): what follows cannot be read without the password."""
    stream = (
        biff_bof(5)
        + biff_record(0x002F, struct.pack("<HHH", 0, 0x1234, 0x5678))
        + biff_record(0x000A)
    )
    return compound_file([("Workbook", stream)])
