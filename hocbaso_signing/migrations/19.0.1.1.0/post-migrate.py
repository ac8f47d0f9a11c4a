"""19.0.1.1.0 — the approval cascade drives the states: pages signed before it existed get the state their
signatures prove (their renditions and signatures are unchanged)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        UPDATE hocbaso_transcript
           SET state = CASE
                   WHEN signed_roles = 'homeroom_teacher,principal,school_seal' THEN 'issued'
                   WHEN signed_roles = 'homeroom_teacher,principal' THEN 'principal_signed'
                   WHEN signed_roles = 'homeroom_teacher' THEN 'homeroom_signed'
                   ELSE state END,
               issued_date = CASE WHEN signed_roles = 'homeroom_teacher,principal,school_seal'
                                  THEN COALESCE(issued_date, rendition_date::date) ELSE issued_date END
         WHERE signed_roles IS NOT NULL AND signed_roles != ''
    """)
    cr.execute("UPDATE hocbaso_subject_sheet SET state = 'signed' WHERE signed_roles IS NOT NULL AND signed_roles != ''")
