//! Resources: host-owned objects handed to guests as handles.
//!
//! A guest cannot hold a connection, a stream or an open file; it holds a
//! *handle*, a `u32` the host issued, and passes it back to the host's
//! `[constructor]x`, `[method]x.m`, `[static]x.f` and `[resource-drop]x`
//! functions (see docs/abi.md, "Resources"). The objects live in a
//! [`ResourceTable`], one per instance, next to the embedder's state; host
//! functions reach it through [`Ctx::table`](crate::host::Ctx::table).
//!
//! # Handles
//!
//! A handle is a slot index (the low 20 bits) and the slot's generation
//! (the high 12 bits, never 0). Every time a slot is reused its generation
//! grows, so a stale handle never reaches the object that took its slot;
//! a slot whose generation is spent is retired, never reused. Handle `0` is
//! never issued. Handle numbers depend only on the order of pushes and
//! deletes, so a recorded session replays with the same handles.
//!
//! # Ownership rules
//!
//! Every object is held either by the host ([`push`](ResourceTable::push),
//! or an `own` handle the guest passed to the host) or by the guest (after
//! [`to_guest`](ResourceTable::to_guest)). What the guest sends is checked
//! by [`own_from_guest`](ResourceTable::own_from_guest),
//! [`borrow_from_guest`](ResourceTable::borrow_from_guest) and
//! [`drop_from_guest`](ResourceTable::drop_from_guest), and each violation
//! is a [`ResourceError`] naming the handle and the rule:
//!
//! | the guest sends | error |
//! |---|---|
//! | a number the table never issued | [`NotIssued`](ResourceError::NotIssued) |
//! | a handle of another resource type | [`WrongType`](ResourceError::WrongType) |
//! | a handle whose object was dropped | [`Dropped`](ResourceError::Dropped) |
//! | `[resource-drop]` of a dropped handle | [`DoubleDrop`](ResourceError::DoubleDrop) |
//! | an `own` handle it already moved to the host | [`Moved`](ResourceError::Moved) |
//! | a borrow it was lent for a call that has returned | [`BorrowExpired`](ResourceError::BorrowExpired) |
//! | a borrow where `own` is required | [`NotOwned`](ResourceError::NotOwned) |
//!
//! The host side of "borrow" is a type: a host function gets a borrowed
//! handle as [`Borrow<T>`] (or `&Resource<T>`), which cannot be deleted,
//! and [`Resource<T>`] is not `Clone`, so a borrow cannot be kept past
//! the call that lent it.
//!
//! # Limits and dropping
//!
//! An instance holds at most [`DEFAULT_MAX_LIVE`](ResourceTable::DEFAULT_MAX_LIVE)
//! live objects unless `EngineConfig::max_resources` says otherwise; one
//! more is [`Full`](ResourceError::Full), an error for the guest, not
//! unbounded host memory. When the table is dropped (with its instance),
//! every live object is dropped, newest first (the reverse of creation),
//! before the embedder's state.
//!
//! ```
//! use packr_runtime::resource::{ResourceError, ResourceTable};
//!
//! struct Counter(u32);
//! let mut table = ResourceTable::new();
//! let counter = table.push(Counter(7))?;
//! table.get_mut(&counter)?.0 += 1;
//! // Hand it to the guest, which sends the number back to borrow it.
//! let handle = table.to_guest(counter)?;
//! let borrowed = table.borrow_from_guest::<Counter>(handle)?;
//! assert_eq!(table.get(&borrowed)?.0, 8);
//! // The guest drops it; a second drop is caught.
//! let owned = table.drop_from_guest::<Counter>(handle)?;
//! assert_eq!(table.delete(owned)?.0, 8);
//! assert_eq!(table.drop_from_guest::<Counter>(handle).unwrap_err(), ResourceError::DoubleDrop { handle });
//! # Ok::<(), ResourceError>(())
//! ```

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;

/// Bits of a handle that hold the slot index.
const INDEX_BITS: u32 = 20;
const INDEX_MASK: u32 = (1 << INDEX_BITS) - 1;
/// The largest generation; a slot that reaches it is retired when freed.
const MAX_GENERATION: u32 = (1 << (32 - INDEX_BITS)) - 1;

/// A typed handle to an object of type `T` in a [`ResourceTable`].
///
/// Not `Clone`: an owned handle is moved, like the object it stands for.
/// A borrow is a reference to one (`&Resource<T>`, or [`Borrow<T>`]).
///
/// ```
/// use packr_runtime::resource::ResourceTable;
/// let mut table = ResourceTable::new();
/// let name = table.push(String::from("conn-1"))?;
/// assert_ne!(name.handle(), 0);
/// assert_eq!(table.get(&name)?, "conn-1");
/// # Ok::<(), packr_runtime::resource::ResourceError>(())
/// ```
pub struct Resource<T> {
    handle: u32,
    _type: PhantomData<fn() -> T>,
}

impl<T> Resource<T> {
    fn new(handle: u32) -> Self {
        Resource {
            handle,
            _type: PhantomData,
        }
    }

    /// The handle's number, as it travels on the wire.
    pub fn handle(&self) -> u32 {
        self.handle
    }
}

impl<T> fmt::Debug for Resource<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Resource<{}>({:#x})",
            std::any::type_name::<T>(),
            self.handle
        )
    }
}

/// A handle the guest lent the host for the length of one call: it reads
/// like `&Resource<T>` and cannot be deleted or kept.
///
/// ```
/// use packr_runtime::resource::ResourceTable;
/// let mut table = ResourceTable::new();
/// let handle = table.push(5u32).and_then(|r| table.to_guest(r))?;
/// let lent = table.borrow_from_guest::<u32>(handle)?;
/// assert_eq!(*table.get(&lent)?, 5);
/// # Ok::<(), packr_runtime::resource::ResourceError>(())
/// ```
pub struct Borrow<T>(Resource<T>);

impl<T> std::ops::Deref for Borrow<T> {
    type Target = Resource<T>;
    fn deref(&self) -> &Resource<T> {
        &self.0
    }
}

impl<T> fmt::Debug for Borrow<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Borrow({:?})", self.0)
    }
}

/// A broken ownership rule or a full table. Each names the handle and the
/// rule; host functions turn it into an error for the guest.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResourceError {
    /// The table never issued this handle.
    NotIssued {
        /// The handle.
        handle: u32,
    },
    /// The handle is of another resource type.
    WrongType {
        /// The handle.
        handle: u32,
        /// The type expected (Rust type name).
        expected: &'static str,
        /// The type the handle stands for.
        found: &'static str,
    },
    /// The handle's object was dropped.
    Dropped {
        /// The handle.
        handle: u32,
    },
    /// `[resource-drop]` of a handle already dropped.
    DoubleDrop {
        /// The handle.
        handle: u32,
    },
    /// The guest used an `own` handle it had moved to the host.
    Moved {
        /// The handle.
        handle: u32,
    },
    /// The guest used a borrow it was lent for a call that has returned.
    BorrowExpired {
        /// The handle.
        handle: u32,
    },
    /// The guest passed a borrow where an `own` handle is required.
    NotOwned {
        /// The handle.
        handle: u32,
    },
    /// The instance already holds its limit of live objects.
    Full {
        /// The limit.
        limit: u32,
    },
    /// Every handle number the table can issue has been used.
    Exhausted,
}

impl fmt::Display for ResourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResourceError::NotIssued { handle } => {
                write!(f, "handle {handle:#x} was never issued (rule: no forged handles)")
            }
            ResourceError::WrongType {
                handle,
                expected,
                found,
            } => write!(
                f,
                "handle {handle:#x} is a `{found}`, not a `{expected}` (rule: handle of the declared type)"
            ),
            ResourceError::Dropped { handle } => {
                write!(f, "handle {handle:#x} was used after it was dropped (rule: no use after drop)")
            }
            ResourceError::DoubleDrop { handle } => {
                write!(f, "handle {handle:#x} was dropped twice (rule: no double drop)")
            }
            ResourceError::Moved { handle } => write!(
                f,
                "handle {handle:#x} was used after it was moved to the host (rule: an own handle moves once)"
            ),
            ResourceError::BorrowExpired { handle } => write!(
                f,
                "handle {handle:#x} was borrowed for a call that has returned (rule: a borrow ends with its call)"
            ),
            ResourceError::NotOwned { handle } => write!(
                f,
                "handle {handle:#x} is a borrow, but an own handle is required (rule: only the owner moves or drops)"
            ),
            ResourceError::Full { limit } => write!(
                f,
                "the instance already holds {limit} live resources (rule: per-instance handle limit)"
            ),
            ResourceError::Exhausted => f.write_str(
                "the resource table has issued every handle number it can (rule: handles are never reused)",
            ),
        }
    }
}

impl std::error::Error for ResourceError {}

/// A stored object: any `Send` value that can name its type.
trait Stored: Any + Send {
    fn type_name(&self) -> &'static str;
}

#[cold]
fn wrong_type<T: 'static>(handle: u32, found: &dyn Stored) -> ResourceError {
    ResourceError::WrongType {
        handle,
        expected: std::any::type_name::<T>(),
        found: found.type_name(),
    }
}

impl<T: Any + Send> Stored for T {
    fn type_name(&self) -> &'static str {
        std::any::type_name::<T>()
    }
}

/// Who may use an object's handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holder {
    /// The host: the guest gave up (or never had) the handle.
    Host,
    /// The guest: it may borrow, move or drop it.
    Guest,
}

/// Why a slot is free (for the error a stale handle of its last
/// generation gets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gone {
    Dropped,
    LendEnded,
}

enum Content {
    Free {
        next: Option<u32>,
        gone: Gone,
    },
    Object {
        value: Box<dyn Stored>,
        holder: Holder,
        /// Creation order, for the drop order.
        serial: u64,
    },
    /// A handle lent to the guest for one export call, standing for the
    /// object behind `owner`.
    Lent {
        owner: u32,
    },
}

struct Slot {
    /// The generation of the current or last occupant (0: never used).
    generation: u32,
    content: Content,
}

/// What the guest is doing with a handle it sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    Own,
    Borrow,
    Drop,
}

/// The objects of one instance, addressed by generational handles.
///
/// Shaped like wasmtime's `ResourceTable`, plus generations (a stale
/// handle is caught even when its slot is reused) and the guest's side of
/// ownership (see the [module docs](self)).
///
/// ```
/// use packr_runtime::resource::{ResourceError, ResourceTable};
/// let mut table = ResourceTable::with_max_live(1);
/// let first = table.push(1u8)?;
/// assert_eq!(table.push(2u8).unwrap_err(), ResourceError::Full { limit: 1 });
/// assert_eq!(table.delete(first)?, 1);
/// assert!(table.is_empty());
/// # Ok::<(), ResourceError>(())
/// ```
pub struct ResourceTable {
    slots: Vec<Slot>,
    free_head: Option<u32>,
    live: u32,
    max_live: u32,
    serial: u64,
    /// Slots of handles lent for the current export call.
    lent: Vec<u32>,
}

impl Default for ResourceTable {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ResourceTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceTable")
            .field("live", &self.live)
            .field("max_live", &self.max_live)
            .field("slots", &self.slots.len())
            .finish()
    }
}

impl ResourceTable {
    /// Live objects an instance may hold unless configured otherwise
    /// (`EngineConfig::max_resources`): 100,000.
    pub const DEFAULT_MAX_LIVE: u32 = 100_000;

    /// The most slots a table can have (2^20); the live limit is capped at
    /// this.
    pub const MAX_SLOTS: u32 = 1 << INDEX_BITS;

    /// An empty table with the default limit (allocates nothing).
    pub fn new() -> Self {
        Self::with_max_live(Self::DEFAULT_MAX_LIVE)
    }

    /// An empty table that holds at most `max_live` objects at a time
    /// (capped at [`MAX_SLOTS`](Self::MAX_SLOTS)).
    pub fn with_max_live(max_live: u32) -> Self {
        ResourceTable {
            slots: Vec::new(),
            free_head: None,
            live: 0,
            max_live: max_live.min(Self::MAX_SLOTS),
            serial: 0,
            lent: Vec::new(),
        }
    }

    /// The live-object limit.
    pub fn max_live(&self) -> u32 {
        self.max_live
    }

    /// How many objects are live.
    pub fn len(&self) -> usize {
        self.live as usize
    }

    /// True when no object is live.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Stores `value`, held by the host, and returns its handle.
    pub fn push<T: Send + 'static>(&mut self, value: T) -> Result<Resource<T>, ResourceError> {
        if self.live >= self.max_live {
            return Err(ResourceError::Full {
                limit: self.max_live,
            });
        }
        self.serial += 1;
        let handle = self.occupy(Content::Object {
            value: Box::new(value),
            holder: Holder::Host,
            serial: self.serial,
        })?;
        self.live += 1;
        Ok(Resource::new(handle))
    }

    /// Puts `content` in a free (or new) slot and returns its handle.
    fn occupy(&mut self, content: Content) -> Result<u32, ResourceError> {
        let index = match self.free_head {
            Some(i) => {
                let slot = &mut self.slots[i as usize];
                let Content::Free { next, .. } = slot.content else {
                    unreachable!("the free list holds free slots only")
                };
                self.free_head = next;
                i
            }
            None => {
                let i = self.slots.len() as u32;
                if i >= Self::MAX_SLOTS {
                    return Err(ResourceError::Exhausted);
                }
                self.slots.push(Slot {
                    generation: 0,
                    content: Content::Free {
                        next: None,
                        gone: Gone::Dropped,
                    },
                });
                i
            }
        };
        let slot = &mut self.slots[index as usize];
        slot.generation += 1;
        slot.content = content;
        Ok(slot.generation << INDEX_BITS | index)
    }

    /// Frees slot `index`; a slot whose generation is spent is retired.
    fn vacate(&mut self, index: u32, gone: Gone) -> Content {
        let slot = &mut self.slots[index as usize];
        let retire = slot.generation >= MAX_GENERATION;
        let next = if retire { None } else { self.free_head };
        let old = std::mem::replace(&mut slot.content, Content::Free { next, gone });
        if !retire {
            self.free_head = Some(index);
        }
        old
    }

    /// The slot index of a live object handle, or why it is not one.
    ///
    /// The common case (the handle names the live object in its slot) is
    /// checked inline; everything else is sorted out by `object_slow`.
    /// Every resource method looks its handle up twice (the generated code
    /// checks the borrow, the host's code then gets the object), so this
    /// path is a resource method's main cost over a plain host call.
    #[inline]
    fn object(&self, handle: u32, want: Use) -> Result<u32, ResourceError> {
        let index = handle & INDEX_MASK;
        if let Some(slot) = self.slots.get(index as usize)
            && slot.generation == handle >> INDEX_BITS
            && handle >> INDEX_BITS != 0
            && matches!(slot.content, Content::Object { .. })
        {
            return Ok(index);
        }
        self.object_slow(handle, want)
    }

    #[cold]
    fn object_slow(&self, handle: u32, want: Use) -> Result<u32, ResourceError> {
        let index = handle & INDEX_MASK;
        let generation = handle >> INDEX_BITS;
        let Some(slot) = self.slots.get(index as usize) else {
            return Err(ResourceError::NotIssued { handle });
        };
        if generation == 0 || generation > slot.generation {
            return Err(ResourceError::NotIssued { handle });
        }
        let gone = match &slot.content {
            _ if generation < slot.generation => Gone::Dropped,
            Content::Free { gone, .. } => *gone,
            Content::Lent { owner } => {
                return match want {
                    Use::Borrow => self.object(*owner, Use::Borrow),
                    Use::Own | Use::Drop => Err(ResourceError::NotOwned { handle }),
                };
            }
            Content::Object { .. } => return Ok(index),
        };
        Err(match (gone, want) {
            (Gone::LendEnded, _) => ResourceError::BorrowExpired { handle },
            (Gone::Dropped, Use::Drop) => ResourceError::DoubleDrop { handle },
            (Gone::Dropped, _) => ResourceError::Dropped { handle },
        })
    }

    /// The object in slot `index` (an object slot, per `object`) as a `T`:
    /// one type-id comparison, which is also the downcast.
    #[inline]
    fn typed<T: 'static>(&self, handle: u32, index: u32) -> Result<&T, ResourceError> {
        let Content::Object { value, .. } = &self.slots[index as usize].content else {
            unreachable!("`object` returns object slots only")
        };
        let value: &dyn Stored = &**value;
        (value as &dyn Any)
            .downcast_ref()
            .ok_or_else(|| wrong_type::<T>(handle, value))
    }

    /// The object behind `resource`.
    #[inline]
    pub fn get<T: 'static>(&self, resource: &Resource<T>) -> Result<&T, ResourceError> {
        let handle = resource.handle;
        // The common case inline: the handle names the live object.
        if let Some(Slot {
            generation,
            content: Content::Object { value, .. },
        }) = self.slots.get((handle & INDEX_MASK) as usize)
            && *generation == handle >> INDEX_BITS
            && handle >> INDEX_BITS != 0
            && let Some(value) = (&**value as &dyn Any).downcast_ref()
        {
            return Ok(value);
        }
        self.get_slow(handle)
    }

    #[cold]
    fn get_slow<T: 'static>(&self, handle: u32) -> Result<&T, ResourceError> {
        let index = self.object(handle, Use::Borrow)?;
        self.typed::<T>(handle, index)
    }

    /// The object behind `resource`, mutably.
    #[inline]
    pub fn get_mut<T: 'static>(&mut self, resource: &Resource<T>) -> Result<&mut T, ResourceError> {
        let handle = resource.handle;
        let index = self.object(handle, Use::Borrow)?;
        let Content::Object { value, .. } = &mut self.slots[index as usize].content else {
            unreachable!("`object` returns object slots only")
        };
        if !(&**value as &dyn Any).is::<T>() {
            return Err(wrong_type::<T>(handle, &**value));
        }
        let value: &mut dyn Any = &mut **value;
        Ok(value.downcast_mut().expect("the type was just checked"))
    }

    /// Removes the object behind `resource` and returns it; its handle is
    /// dead from now on.
    pub fn delete<T: 'static>(&mut self, resource: Resource<T>) -> Result<T, ResourceError> {
        let index = self.object(resource.handle, Use::Own)?;
        self.typed::<T>(resource.handle, index)?;
        let Content::Object { value, .. } = self.vacate(index, Gone::Dropped) else {
            unreachable!("`object` returns object slots only")
        };
        self.live -= 1;
        let value: Box<dyn Any> = value;
        Ok(*value.downcast().expect("`typed` checked the type"))
    }

    /// Hands `resource` to the guest (an `own` result): the guest holds it
    /// from now on, and the returned number is what goes on the wire.
    pub fn to_guest<T: 'static>(&mut self, resource: Resource<T>) -> Result<u32, ResourceError> {
        let handle = resource.handle;
        self.set_holder::<T>(handle, Use::Own, Holder::Host, Holder::Guest)?;
        Ok(handle)
    }

    /// The guest moves its `own` handle to the host (an `own` parameter):
    /// it must hold the handle, and may not use it again.
    pub fn own_from_guest<T: 'static>(
        &mut self,
        handle: u32,
    ) -> Result<Resource<T>, ResourceError> {
        self.set_holder::<T>(handle, Use::Own, Holder::Guest, Holder::Host)?;
        Ok(Resource::new(handle))
    }

    /// The guest drops its handle (`[resource-drop]x`): like
    /// [`own_from_guest`](Self::own_from_guest), but a handle already
    /// dropped is a [`DoubleDrop`](ResourceError::DoubleDrop). The host's
    /// destructor then deletes the object.
    pub fn drop_from_guest<T: 'static>(
        &mut self,
        handle: u32,
    ) -> Result<Resource<T>, ResourceError> {
        self.set_holder::<T>(handle, Use::Drop, Holder::Guest, Holder::Host)?;
        Ok(Resource::new(handle))
    }

    /// The guest lends its handle to the host for one call (a `borrow`
    /// parameter): it must hold the handle (or have been lent it).
    #[inline]
    pub fn borrow_from_guest<T: 'static>(&self, handle: u32) -> Result<Borrow<T>, ResourceError> {
        // The common case, checked inline: the guest holds the live `T`
        // this handle names.
        if let Some(Slot {
            generation,
            content:
                Content::Object {
                    value,
                    holder: Holder::Guest,
                    ..
                },
        }) = self.slots.get((handle & INDEX_MASK) as usize)
            && *generation == handle >> INDEX_BITS
            && handle >> INDEX_BITS != 0
            && (&**value as &dyn Any).is::<T>()
        {
            return Ok(Borrow(Resource::new(handle)));
        }
        self.borrow_from_guest_slow(handle)
    }

    #[cold]
    fn borrow_from_guest_slow<T: 'static>(&self, handle: u32) -> Result<Borrow<T>, ResourceError> {
        let index = self.object(handle, Use::Borrow)?;
        self.typed::<T>(handle, index)?;
        let owner = self.owner_of(handle);
        match &self.slots[index as usize].content {
            Content::Object {
                holder: Holder::Host,
                ..
            } if owner == handle => Err(ResourceError::Moved { handle }),
            _ => Ok(Borrow(Resource::new(owner))),
        }
    }

    /// The object handle behind `handle` (itself unless it is lent).
    fn owner_of(&self, handle: u32) -> u32 {
        match self.slots.get((handle & INDEX_MASK) as usize) {
            Some(Slot {
                content: Content::Lent { owner },
                ..
            }) => *owner,
            _ => handle,
        }
    }

    fn set_holder<T: 'static>(
        &mut self,
        handle: u32,
        want: Use,
        from: Holder,
        to: Holder,
    ) -> Result<(), ResourceError> {
        let index = self.object(handle, want)?;
        self.typed::<T>(handle, index)?;
        let Content::Object { holder, .. } = &mut self.slots[index as usize].content else {
            unreachable!("`object` returns object slots only")
        };
        if *holder != from {
            return Err(match from {
                Holder::Guest => ResourceError::Moved { handle },
                // The host hands out what it holds; a handle the guest
                // already holds cannot be handed out again.
                Holder::Host => ResourceError::NotOwned { handle },
            });
        }
        *holder = to;
        Ok(())
    }

    /// Lends `resource` to the guest for one export call (a `borrow`
    /// parameter of an export): the number is valid until
    /// [`end_lends`](Self::end_lends), which the engine calls when the
    /// export returns; a guest that keeps it gets
    /// [`BorrowExpired`](ResourceError::BorrowExpired).
    ///
    /// ```
    /// use packr_runtime::resource::{ResourceError, ResourceTable};
    /// let mut table = ResourceTable::new();
    /// let counter = table.push(3u32)?;
    /// let lent = table.lend(&counter)?;
    /// let borrowed = table.borrow_from_guest::<u32>(lent)?;
    /// assert_eq!(*table.get::<u32>(&borrowed)?, 3);
    /// table.end_lends();
    /// assert_eq!(table.borrow_from_guest::<u32>(lent).unwrap_err(), ResourceError::BorrowExpired { handle: lent });
    /// # Ok::<(), ResourceError>(())
    /// ```
    pub fn lend<T: 'static>(&mut self, resource: &Resource<T>) -> Result<u32, ResourceError> {
        let index = self.object(resource.handle, Use::Borrow)?;
        self.typed::<T>(resource.handle, index)?;
        let handle = self.occupy(Content::Lent {
            owner: resource.handle,
        })?;
        self.lent.push(handle & INDEX_MASK);
        Ok(handle)
    }

    /// Ends every lend of the current export call.
    pub fn end_lends(&mut self) {
        while let Some(index) = self.lent.pop() {
            self.vacate(index, Gone::LendEnded);
        }
    }
}

impl Drop for ResourceTable {
    /// Drops every live object, newest first.
    fn drop(&mut self) {
        let mut order: Vec<(u64, usize)> = self
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match s.content {
                Content::Object { serial, .. } => Some((serial, i)),
                _ => None,
            })
            .collect();
        order.sort_unstable_by_key(|o| std::cmp::Reverse(o.0));
        for (_, i) in order {
            let old = std::mem::replace(
                &mut self.slots[i].content,
                Content::Free {
                    next: None,
                    gone: Gone::Dropped,
                },
            );
            drop(old);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    struct Counter(u32);
    struct Connection;

    fn guest_counter(table: &mut ResourceTable, n: u32) -> u32 {
        let r = table.push(Counter(n)).unwrap();
        table.to_guest(r).unwrap()
    }

    #[test]
    fn handles_are_never_zero_and_carry_a_generation() {
        let mut table = ResourceTable::new();
        let a = table.push(Counter(1)).unwrap();
        assert_eq!(a.handle(), 1 << INDEX_BITS);
        let ah = a.handle();
        table.delete(a).unwrap();
        let b = table.push(Counter(2)).unwrap();
        assert_eq!(b.handle() & INDEX_MASK, ah & INDEX_MASK, "slot reused");
        assert_ne!(b.handle(), ah, "with a new generation");
        assert_eq!(
            table.borrow_from_guest::<Counter>(ah).unwrap_err(),
            ResourceError::Dropped { handle: ah }
        );
    }

    #[test]
    fn every_rule_names_its_handle() {
        let mut table = ResourceTable::new();
        let h = guest_counter(&mut table, 1);
        for forged in [0, 7, h + 1, h + (1 << INDEX_BITS)] {
            assert_eq!(
                table.borrow_from_guest::<Counter>(forged).unwrap_err(),
                ResourceError::NotIssued { handle: forged }
            );
        }
        let err = table.borrow_from_guest::<Connection>(h).unwrap_err();
        assert!(matches!(err, ResourceError::WrongType { handle, .. } if handle == h));
        assert!(err.to_string().contains("Counter"), "{err}");
        let moved = table.own_from_guest::<Counter>(h).unwrap();
        assert_eq!(
            table.borrow_from_guest::<Counter>(h).unwrap_err(),
            ResourceError::Moved { handle: h }
        );
        assert_eq!(
            table.own_from_guest::<Counter>(h).unwrap_err(),
            ResourceError::Moved { handle: h }
        );
        table.delete(moved).unwrap();
        assert_eq!(
            table.drop_from_guest::<Counter>(h).unwrap_err(),
            ResourceError::DoubleDrop { handle: h }
        );
        assert_eq!(
            table.own_from_guest::<Counter>(h).unwrap_err(),
            ResourceError::Dropped { handle: h }
        );
        for e in [
            ResourceError::NotIssued { handle: 9 },
            ResourceError::Full { limit: 3 },
            ResourceError::Exhausted,
        ] {
            assert!(!e.to_string().contains('\n'));
            assert!(e.to_string().contains("rule:"));
        }
    }

    #[test]
    fn a_lent_handle_ends_with_its_call_and_cannot_be_owned() {
        let mut table = ResourceTable::new();
        let r = table.push(Counter(4)).unwrap();
        let lent = table.lend(&r).unwrap();
        assert_ne!(lent, r.handle());
        assert_eq!(
            table.own_from_guest::<Counter>(lent).unwrap_err(),
            ResourceError::NotOwned { handle: lent }
        );
        assert_eq!(
            table
                .get(&table.borrow_from_guest::<Counter>(lent).unwrap())
                .unwrap()
                .0,
            4
        );
        table.end_lends();
        assert_eq!(
            table.borrow_from_guest::<Counter>(lent).unwrap_err(),
            ResourceError::BorrowExpired { handle: lent }
        );
        assert_eq!(table.get(&r).unwrap().0, 4, "the object itself lives on");
    }

    #[test]
    fn the_limit_counts_live_objects() {
        let mut table = ResourceTable::with_max_live(2);
        let a = table.push(1u8).unwrap();
        let _b = table.push(2u8).unwrap();
        assert_eq!(
            table.push(3u8).unwrap_err(),
            ResourceError::Full { limit: 2 }
        );
        table.delete(a).unwrap();
        assert!(table.push(3u8).is_ok());
        assert_eq!(table.len(), 2);
    }

    #[test]
    fn a_spent_slot_is_retired_not_reused() {
        let mut table = ResourceTable::with_max_live(1);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..MAX_GENERATION + 5 {
            let r = table.push(0u8).unwrap();
            assert!(
                seen.insert(r.handle()),
                "handle {:#x} issued twice",
                r.handle()
            );
            table.delete(r).unwrap();
        }
        assert_eq!(
            table.slots.len(),
            2,
            "slot 0 retired after its last generation"
        );
    }

    #[test]
    fn dropping_the_table_drops_objects_newest_first() {
        struct Noisy(u32, Arc<Mutex<Vec<u32>>>);
        impl Drop for Noisy {
            fn drop(&mut self) {
                self.1.lock().unwrap().push(self.0);
            }
        }
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut table = ResourceTable::new();
        let first = table.push(Noisy(1, log.clone())).unwrap();
        table.push(Noisy(2, log.clone())).unwrap();
        table.delete(first).unwrap();
        table.push(Noisy(3, log.clone())).unwrap();
        table.push(Noisy(4, log.clone())).unwrap();
        drop(table);
        assert_eq!(*log.lock().unwrap(), vec![1, 4, 3, 2]);
    }
}
