"""Legacy Office files (Word, Excel, PowerPoint 97-2003) are OLE2 compound files: what kind of
document one is, and whether it carries macros or a password, read with olefile and oletools,
within bounds that a hostile file cannot push.

The OLE2 magic bytes only say "compound file": Windows installers (.msi, .msp), Outlook messages,
thumbnail caches and encrypted documents share them. We do not trust the root entry's CLSID
either: writers other than Microsoft Office often leave it blank, so an allow list would refuse
real documents, and a deny list (MSI's CLSID) would let every other kind of container through.
What a document cannot lack is the stream its program reads first (WordDocument, Workbook,
PowerPoint Document) directly under the root."""

import io
import struct
import zlib
from dataclasses import dataclass

import olefile
from oletools import crypto as office_crypto
from oletools import olevba, ppt_parser

# The stream each Office program reads first, directly under the root of the compound file.
OLE2_MAIN_STREAMS = {
    "worddocument": ("doc", "application/msword"),
    "workbook": ("xls", "application/vnd.ms-excel"),
    "book": ("xls", "application/vnd.ms-excel"),  # Excel 5/95
    "powerpoint document": ("ppt", "application/vnd.ms-powerpoint"),
}
# Where Word ("Macros") and Excel ("_VBA_PROJECT_CUR") keep a VBA project: refused by name, even
# when olevba would not recognise the project inside. PowerPoint 97-2003 keeps its project inside
# the "PowerPoint Document" stream, where oletools finds it.
OLE2_MACRO_STORAGES = {"macros", "_vba_project_cur", "vba"}
PPT_MAIN_STREAM = "PowerPoint Document"
# Excel's streams (BIFF8, and BIFF5 for Excel 5/95), and the sheets that hold code: Excel 4.0
# (XLM) macro sheets and the Visual Basic modules of Excel 5/95, as a BOUNDSHEET record (sheet
# list) or a BOF record (start of the sheet's own substream) gives their type ([MS-XLS] 2.4.28,
# 2.4.21).
EXCEL_STREAMS = {"workbook", "book"}
BIFF_BOF, BIFF_BOUNDSHEET, BIFF_EOF = 0x0809, 0x0085, 0x000A
BIFF_HEADER = struct.Struct("<HH")  # record type, length of its data
BIFF_BOUNDSHEET_START = struct.Struct("<IBB")  # position of the sheet's BOF, state, sheet type
BIFF_BOF_TYPE = struct.Struct("<H")  # after the BIFF version: the substream's type
EXCEL_MACRO_SHEETS = {
    (BIFF_BOUNDSHEET, 0x01),
    (BIFF_BOUNDSHEET, 0x06),
    (BIFF_BOF, 0x0040),
    (BIFF_BOF, 0x0006),
}
# What the storages embedded in a PowerPoint file may inflate to, all together: twice the
# largest document a group accepts.
INFLATE_LIMIT = 40 * 1024 * 1024


def _looks_like_compound_file(data: bytes | None) -> bool:
    # Not olefile.isOleFile: given bytes shorter than a compound file, it opens them as a path.
    return (
        data is not None
        and len(data) >= olefile.MINIMAL_OLEFILE_SIZE
        and data.startswith(olefile.MAGIC)
    )


class CompoundFileRefused(Exception):
    """A compound file that cannot be read within bounds (too short, streams that add up to more
    than the file holds, embedded storages that inflate past INFLATE_LIMIT)."""


@dataclass(frozen=True)
class CompoundFileFindings:
    detected: tuple[str, str] | None  # (extension, content type), None for another kind of file
    encrypted: bool
    macros: bool


def inspect_compound_file(content: bytes) -> CompoundFileFindings:
    """What the compound file is, and what it carries. Any exception means "unreadable": olefile
    and oletools parse a hostile file, and may fail in any way."""
    if len(content) < olefile.MINIMAL_OLEFILE_SIZE:
        raise CompoundFileRefused("shorter than a header, an allocation table and a directory")
    with olefile.OleFileIO(io.BytesIO(content)) as ole:
        root_streams = {path[0].lower() for path in ole.listdir() if len(path) == 1}
        detected = next(
            (found for stream, found in OLE2_MAIN_STREAMS.items() if stream in root_streams),
            None,
        )
        names = {name.lower() for path in ole.listdir(storages=True) for name in path}
        encrypted = bool(office_crypto.is_encrypted(ole))
    macros = not encrypted and (
        bool(names & OLE2_MACRO_STORAGES) or MacroScanner(content).carries_macros()
    )
    return CompoundFileFindings(detected=detected, encrypted=encrypted, macros=macros)


def _has_excel4_macro_sheet(ole) -> bool:
    """Whether a workbook of the file (the document itself, or one embedded in it) has an Excel 4.0
    macro sheet or a Visual Basic module sheet, by the sheet list (BOUNDSHEET records) or by the
    type a sheet's own substream declares (BOF records).

    olevba looks for these with oletools' BIFF plugin, and only when the root's CLSID is Excel's,
    which a crafted file leaves blank. That plugin also parses every record as a formula, even
    when asked for the sheet records alone: 2 MB of cell labels took it 25 s. Here every Workbook
    and Book stream is read, and only the records' headers and sheet types."""
    for path in ole.listdir():
        if path[-1].lower() in EXCEL_STREAMS:
            stream = ole.openstream(path).read()
            if not _biff_sheet_types(stream).isdisjoint(EXCEL_MACRO_SHEETS):
                return True
    return False


def _biff_sheet_types(stream: bytes) -> set[tuple[int, int]]:
    """(record type, sheet type) of each BOUNDSHEET record of a BIFF5/BIFF8 stream's globals
    substream (its first, up to its EOF record), and of the BOF record that starts each sheet
    where its BOUNDSHEET says. Only the globals are walked record by record: the sheets, where
    the cells (most of a workbook) are, are reached by their position."""
    found, positions, offset = set(), [0], 0
    while offset + 4 <= len(stream):
        record, length = BIFF_HEADER.unpack_from(stream, offset)
        if record == BIFF_EOF:
            break
        if record == BIFF_BOUNDSHEET and length >= 6:
            position, _state, kind = BIFF_BOUNDSHEET_START.unpack_from(stream, offset + 4)
            found.add((record, kind))
            positions.append(position)
        offset += 4 + length
    for position in positions:
        if position + 8 <= len(stream):
            record, length = BIFF_HEADER.unpack_from(stream, position)
            if record == BIFF_BOF and length >= 4:
                found.add((record, BIFF_BOF_TYPE.unpack_from(stream, position + 6)[0]))
    return found


class MacroScanner(olevba.VBA_Parser):
    """olevba's VBA_Parser, held within bounds.

    olevba reads every stream of a compound file, orphans included, looking for compressed VBA
    source: a crafted directory can point thousands of entries at the same sectors. Here the
    streams may add up to twice the file at most. olevba also inflates each storage that a
    PowerPoint 97-2003 file embeds (where its VBA project lives) whole, with no limit and in
    quadratic time: a 200 KB record inflated to 200 MB in 16 s. Here the storages of a file and
    of everything inside it share INFLATE_LIMIT. And olevba gives up on a PowerPoint file, VBA
    unseen, as soon as one of its records is malformed, or when its root holds a storage; here
    each embedded storage is read whatever the records around it."""

    def __init__(self, content: bytes, *, budget: list[int] | None = None, container=None):
        self.inflate_budget = budget if budget is not None else [INFLATE_LIMIT]
        self.content_size = len(content)
        self.embedded: list[MacroScanner] = []
        self.has_macro_sheet = False
        super().__init__("document", data=content, container=container)

    def carries_macros(self) -> bool:
        """VBA (olevba's search) or an Excel 4.0 macro sheet, in the file or in a compound file
        it embeds."""
        return (
            self.has_macro_sheet
            or bool(self.detect_vba_macros())
            or any(embedded.carries_macros() for embedded in self.embedded)
        )

    def open_ole(self, _file):
        super().open_ole(_file)
        if self.ole_file is None:
            return
        streams_size = 0
        for sid, entry in enumerate(self.ole_file.direntries):
            if entry is None:  # an orphan: olevba reads them too, through the same loader
                entry = self.ole_file._load_direntry(sid)
            if entry.entry_type == olefile.STGTY_STREAM:
                streams_size += entry.size
        if streams_size > 2 * self.content_size:
            raise CompoundFileRefused("streams add up to more than the file holds")
        self.has_macro_sheet = _has_excel4_macro_sheet(self.ole_file)

    def open_ppt(self):
        ole = self.ole_file
        if ole is None or ole.get_type(PPT_MAIN_STREAM) != olefile.STGTY_STREAM:
            return
        presentation = ppt_parser.PptParser(ole, fast_fail=False)
        with ole.openstream(PPT_MAIN_STREAM) as stream:
            for storage in presentation.search_vba_storage():
                stream.seek(storage.data_offset)
                data = stream.read(storage.data_size)
                if storage.is_compressed:
                    data = self._inflate(data)
                # Bytes that only look like a storage record (or do not inflate) are nothing
                # PowerPoint could load either.
                if _looks_like_compound_file(data):
                    self.append_subfile(None, data, container="PptParser")

    def append_subfile(self, filename, data, container=None):
        self.embedded.append(MacroScanner(data, budget=self.inflate_budget, container=container))

    def _inflate(self, data: bytes) -> bytes | None:
        remaining = self.inflate_budget[0]
        try:
            inflated = zlib.decompressobj().decompress(data, remaining + 1)
        except zlib.error:
            return None
        if len(inflated) > remaining:
            raise CompoundFileRefused("embedded storages inflate past the limit")
        self.inflate_budget[0] = remaining - len(inflated)
        return inflated
