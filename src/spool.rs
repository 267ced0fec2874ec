//! Offending ids too many to hold: spooled to an anonymous temporary file.
//!
//! With `--sample all` a check may have millions of offending rows. Their ids are streamed
//! from the database into a temporary file (8 bytes each) and read back by the renderers, so
//! the tool's memory does not grow with the number of offenders. The file has no name (it is
//! unlinked at creation) and disappears with the process.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

/// Collects ids into a fresh spool.
pub struct SpoolWriter {
    out: BufWriter<File>,
    count: usize,
}

/// A finished spool: `count` ids, in the order they were written.
#[derive(Debug)]
pub struct IdSpool {
    file: File,
    count: usize,
}

impl SpoolWriter {
    pub fn new() -> io::Result<Self> {
        Ok(SpoolWriter {
            out: BufWriter::new(tempfile::tempfile()?),
            count: 0,
        })
    }

    pub fn push(&mut self, id: i64) -> io::Result<()> {
        self.count += 1;
        self.out.write_all(&id.to_le_bytes())
    }

    pub fn finish(self) -> io::Result<IdSpool> {
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        Ok(IdSpool {
            file,
            count: self.count,
        })
    }
}

impl IdSpool {
    pub fn len(&self) -> usize {
        self.count
    }

    /// Calls `f` with every id, in order. Each call reads the file from the start.
    pub fn visit(&self, mut f: impl FnMut(i64) -> io::Result<()>) -> io::Result<()> {
        let mut file = self.file.try_clone()?;
        file.seek(SeekFrom::Start(0))?;
        let mut reader = BufReader::new(file);
        let mut buf = [0u8; 8];
        for _ in 0..self.count {
            reader.read_exact(&mut buf)?;
            f(i64::from_le_bytes(buf))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_back_in_order_every_time() {
        let mut writer = SpoolWriter::new().unwrap();
        for id in [3, -1, i64::MAX, 42] {
            writer.push(id).unwrap();
        }
        let spool = writer.finish().unwrap();
        for _ in 0..2 {
            let mut seen = Vec::new();
            spool
                .visit(|id| {
                    seen.push(id);
                    Ok(())
                })
                .unwrap();
            assert_eq!(seen, [3, -1, i64::MAX, 42]);
        }
        assert_eq!(spool.len(), 4);
    }
}
