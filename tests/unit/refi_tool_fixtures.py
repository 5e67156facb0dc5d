""".qdpx archives written the way QualCoder 3.x and MAXQDA 24 write theirs, with memos in each tool's places.

QualCoder (read in its refi.py): text files in `sources/` with a BOM, positions in code points, a coding's memo
in its selection's `<Description>` (before the `<Coding>`), a document memo in the source's `<Description>`,
a note on a range as a `<Note>` with `<PlainTextContent>` and an inner `<PlainTextSelection>` referenced by a
`<NoteRef>` of the source, journals as named `<Note>`s whose text is a `plainTextPath` file, and the project
memo in the project's `<Description>`.

MAXQDA (its sample in shared/refi-qda and QualCoder's notes on it): upper-case GUIDs, an `xsi:schemaLocation`,
a coding's memo in the selection's `<Description>`, and a memo on a range as a selection without `<Coding>`
whose `<Description>` holds the text; document memos are `<Note>`s referenced by the source.
"""

from __future__ import annotations

import io
import zipfile

TEXT = (
    "Therapist: How did last week feel? 🙂\n"
    "Client: I was scared you would judge me.\n"
    "Therapist: What helped?\n"
    "Client: You listened. I trust you more now.\n"
)


def span(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# QualCoder -----------------------------------------------------------------------------------------

QC_USER = "5c94bc9e-db8c-4f1d-9cd6-e900c7440860"
QC_SOURCE = "8e7fddfe-db36-48dc-b464-80c3a4decd90"
QC_TEXT_FILE = "a2b94468-80a5-412f-92d6-e900d97b55a6"
QC_JOURNAL = "4691a8a0-d67c-4dcc-91d6-e9075dc230cc"
QC_ANNOTATION = "0f758eeb-d61d-4e91-b250-79861c3869a6"
QC_ANNOTATION_BAD = "1f758eeb-d61d-4e91-b250-79861c3869a6"
QC_TRUST = "2dfba8c9-59f5-4424-99d6-ea9bce18134b"
QC_RUPTURE = "3dfba8c9-59f5-4424-99d6-ea9bce18134b"


def qualcoder_project(trust_user: str | None = QC_USER, rupture_code: str = QC_RUPTURE) -> bytes:
    """QualCoder's export; a test may leave the trust coding without a user or point the rupture coding to a
    code the codebook lacks."""
    trust_by = f' creatingUser="{trust_user}"' if trust_user else ""
    scared = span("I was scared you would judge me.")
    trust = span("I trust you more now.")
    listened = span("You listened.")
    emoji = span("🙂")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 name="alliance" origin="QualCoder 3.6" creatingUserGUID="{QC_USER}" creationDateTime="2026-01-10T09:00:00Z">
<Users>
<User guid="{QC_USER}" name="default" />
</Users>
<CodeBook>
<Codes>
<Code guid="{QC_TRUST}" name="Trust" isCodable="true" color="#2e86de">
<Description>Confidence in the therapist.</Description>
</Code>
<Code guid="{QC_RUPTURE}" name="Rupture" isCodable="true" color="#ee6677">
</Code>
</Codes>
</CodeBook>
<Sources>
<TextSource plainTextPath="internal://{QC_TEXT_FILE}.txt" creatingUser="{QC_USER}"
 creationDateTime="2026-01-10T09:05:00Z" guid="{QC_SOURCE}" name="D03 session 2.txt">
<Description>Client arrived late; recording starts mid-sentence.</Description>
<PlainTextSelection guid="c1a1e1f0-0000-4000-8000-000000000001" startPosition="{scared[0]}"
 endPosition="{scared[1]}" name="I was scared you would judge me." creatingUser="{QC_USER}"
 creationDateTime="2026-01-10T09:10:00Z">
<Description>Fear of judgement: early rupture marker.</Description>
<Coding guid="c1a1e1f0-0000-4000-8000-000000000002" creatingUser="{QC_USER}" >
<CodeRef targetGUID="{rupture_code}" />
</Coding>
</PlainTextSelection>
<PlainTextSelection guid="c1a1e1f0-0000-4000-8000-000000000003" startPosition="{trust[0]}"
 endPosition="{trust[1]}" name="I trust you more now."{trust_by}
 creationDateTime="2026-01-10T09:11:00Z">
<Coding guid="c1a1e1f0-0000-4000-8000-000000000004"{trust_by} >
<CodeRef targetGUID="{QC_TRUST}" />
</Coding>
</PlainTextSelection>
<NoteRef targetGUID="{QC_ANNOTATION}" />
<NoteRef targetGUID="{QC_ANNOTATION_BAD}" />
</TextSource>
</Sources>
<Notes>
<Note guid="{QC_JOURNAL}" creatingUser="{QC_USER}" creationDateTime="2026-01-11T08:00:00Z"
 name="Reflexive journal"  plainTextPath="internal://{QC_JOURNAL}.txt" >
<Description /></Note>
<Note guid="{QC_ANNOTATION}" creatingUser="{QC_USER}" creationDateTime="2026-01-10T09:12:00Z" >
<PlainTextContent>Listening named as the helpful factor.</PlainTextContent>
<PlainTextSelection guid="c1a1e1f0-0000-4000-8000-000000000005" startPosition="{listened[0]}"
 endPosition="{listened[1]}" />
</Note>
<Note guid="{QC_ANNOTATION_BAD}" creatingUser="{QC_USER}" creationDateTime="2026-01-10T09:13:00Z" >
<PlainTextContent>Smile at the start.</PlainTextContent>
<PlainTextSelection guid="c1a1e1f0-0000-4000-8000-000000000006" startPosition="{emoji[0]}"
 endPosition="99999" />
</Note>
</Notes>
<Description>Pilot study of alliance ruptures.</Description>
</Project>
"""
    return _zip(
        {
            "project.qde": qde.encode("utf-8"),
            f"sources/{QC_TEXT_FILE}.txt": TEXT.encode("utf-8-sig"),
            f"sources/{QC_JOURNAL}.txt": "Am I too quick to see ruptures?".encode("utf-8-sig"),
        }
    )


# MAXQDA --------------------------------------------------------------------------------------------

MX_USER = "F3EA8DA1-BB99-411F-8ED4-011170237B6C"
MX_SOURCE = "C5E4C960-5296-4FDE-8C63-DEABA4E17F92"
MX_CODE = "C6C1BE73-B4F4-4C2D-91F1-90B73BFC5C25"
MX_NOTE = "9A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9"


def maxqda_project() -> bytes:
    scared = span("scared you would judge me")
    helped = span("What helped?")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xsi:schemaLocation="urn:QDA-XML:project:1.0 http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="urn:QDA-XML:project:1.0" origin="MAXQDA 24 (Release 24.7.0)" name="alliance" modifiedDateTime="2026-01-14T18:42:34Z">
 <Users>
  <User guid="{MX_USER}" name="johnb"/>
 </Users>
 <CodeBook>
  <Codes>
   <Code color="#ef8256" guid="{MX_CODE}" name="Rupture" isCodable="true">
    <Description>Strain in the alliance.</Description>
   </Code>
  </Codes>
 </CodeBook>
 <Sources>
  <TextSource modifyingUser="{MX_USER}" guid="{MX_SOURCE}" creatingUser="{MX_USER}" creationDateTime="2026-01-12T23:23:46Z" name="D04 session 1" plainTextPath="internal://{MX_SOURCE}.txt" modifiedDateTime="2026-01-12T23:23:46Z">
   <PlainTextSelection modifyingUser="{MX_USER}" guid="0A5C1E55-96B2-4E4B-9E0A-6E8D1F0C0001" creatingUser="{MX_USER}" creationDateTime="2026-01-13T10:00:00Z" startPosition="{scared[0]}" endPosition="{scared[1]}" modifiedDateTime="2026-01-13T10:00:00Z">
    <Description>Judgement fear, compare with session 3.</Description>
    <Coding guid="0A5C1E55-96B2-4E4B-9E0A-6E8D1F0C0002" creatingUser="{MX_USER}" creationDateTime="2026-01-13T10:00:00Z">
     <CodeRef targetGUID="{MX_CODE}"/>
    </Coding>
   </PlainTextSelection>
   <PlainTextSelection modifyingUser="{MX_USER}" guid="0A5C1E55-96B2-4E4B-9E0A-6E8D1F0C0003" creatingUser="{MX_USER}" creationDateTime="2026-01-13T10:05:00Z" startPosition="{helped[0]}" endPosition="{helped[1]}" modifiedDateTime="2026-01-13T10:05:00Z">
    <Description>Open question invites repair.</Description>
   </PlainTextSelection>
   <NoteRef targetGUID="{MX_NOTE}"/>
  </TextSource>
 </Sources>
 <Notes>
  <Note guid="{MX_NOTE}" name="Document memo" creatingUser="{MX_USER}" creationDateTime="2026-01-13T11:00:00Z">
   <PlainTextContent>Good session overall.</PlainTextContent>
  </Note>
 </Notes>
 <Links>
  <Link guid="0A5C1E55-96B2-4E4B-9E0A-6E8D1F0C0009" name="see also" direction="OneWay" originGUID="0A5C1E55-96B2-4E4B-9E0A-6E8D1F0C0001" targetGUID="0A5C1E55-96B2-4E4B-9E0A-6E8D1F0C0003"/>
 </Links>
</Project>
"""
    return _zip({"project.qde": qde.encode("utf-8"), f"sources/{MX_SOURCE}.txt": TEXT.encode("utf-8")})
